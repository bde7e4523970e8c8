"""Runs moto's server as moto_server does, with one difference: DynamoDB requests are handled
one at a time. DynamoDB applies each conditional write atomically; moto's threaded server checks
the condition and writes in separate steps, so concurrent conditional writes could both pass.
The tests rely on that atomicity (ten concurrent clicks, two replicas), as production does."""
import os
import sys
import threading

from werkzeug.serving import run_simple
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app

host, port = sys.argv[1], int(sys.argv[2])
os.environ.setdefault("MOTO_PORT", str(port))
app = DomainDispatcherApplication(create_backend_app)
dynamodb = threading.Lock()


def serialized(environ, start_response):
    if environ.get("HTTP_X_AMZ_TARGET", "").startswith("DynamoDB_"):
        with dynamodb:
            return list(app(environ, start_response))
    return app(environ, start_response)


run_simple(host, port, serialized, threaded=True)
