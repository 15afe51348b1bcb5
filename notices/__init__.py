"""Official notices (执法文书): a case becomes plain data (``context``), then a PDF (``render``)."""
