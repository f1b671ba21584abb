{% load static %}// The service worker. Minimal until the offline work lands (owned by that work): it only
// pulls in the push-reminder handlers.
importScripts("{% static 'js/sw-push.js' %}");
