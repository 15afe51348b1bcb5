"""The inspectors' console (zh-CN): server-rendered pages over the same routes and rules as the API, served by the
same process at ``/``. Signed in with a session cookie; every form carries the session's CSRF token."""
