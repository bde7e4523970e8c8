"""Runs moto's server as moto_server does, with one difference: DynamoDB requests are handled
one at a time. DynamoDB applies each conditional write atomically; moto's threaded server checks
the condition and writes in separate steps, so concurrent conditional writes could both pass.
The tests rely on that atomicity (ten concurrent clicks, two replicas), as production does.

It also answers GetManagedPrefixListAssociations, which moto 5.1.22 does not implement, as AWS
documents it: the security groups, in any account, with a rule whose peer is the list, each as
{ResourceId, ResourceOwner}. Nothing else of moto's behaviour changes."""
import os
import sys
import threading

from werkzeug.serving import run_simple
from moto.core.responses import ActionResult
from moto.ec2.models import ec2_backends
from moto.ec2.responses import EC2Response
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app


def get_managed_prefix_list_associations(self):
    prefix_list_id = self._get_param("PrefixListId")
    associations = []
    for account_id in list(ec2_backends.keys()):
        backend = ec2_backends[account_id][self.region]
        for groups in list(backend.groups.values()):
            for group in list(groups.values()):
                if any(rule.prefix_list_id == prefix_list_id
                       for rule in group.ingress_rules + group.egress_rules):
                    associations.append({"ResourceId": group.id, "ResourceOwner": account_id})
    return ActionResult({"PrefixListAssociations": associations})


EC2Response.get_managed_prefix_list_associations = get_managed_prefix_list_associations

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
