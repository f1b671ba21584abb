# API views of the therapy, one module per topic.
