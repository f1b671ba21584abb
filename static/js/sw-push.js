// Web Push handlers (push, notificationclick) for the service worker: owned by the push
// reminders work; this placeholder keeps /sw.js loadable until it lands.
