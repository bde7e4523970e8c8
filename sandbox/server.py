"""sgwarden local sandbox: the stand-in Slack channel, the sandbox controls and a CloudTrail Lake
stand-in, in one small web app. It runs with the Python of the moto virtualenv (flask and boto3
come with moto[server]); run.sh starts it. Nothing in the service loads this file.

What it does:
- Sets moto up as the service expects it: the ledger table, the intake queue and its dead-letter
  queue in the service's account (123456789012), and two member accounts (111111111111,
  222222222222) with a VPC and a few security groups each, reached through their Admin role.
- Stands in for Slack: the Web API a bot token uses (/api/chat.postMessage, with thread_ts for a
  reply in a message's thread, and /api/chat.update), the incoming webhook (/services/...) and
  response_url (/response/...), as strictly as Slack: the Web API wants the bot token (Bearer header
  or token field, else not_authed / invalid_auth) and answers HTTP 200 with {"ok": false, "error"}
  (channel_not_found, message_not_found, no_text, invalid_blocks, ...); chat.delete too. Messages are kept and drawn
  on the page, thread replies under their message; chat.update and replace_original replace,
  ephemeral answers are shown as "Only visible to you".
- Button clicks on the page are turned into the exact request Slack sends (a form-encoded
  block_actions payload, signed with the sandbox signing secret) and posted to the service's
  /slack/interactions, so the service's real signature check runs.
- The controls make a real change in moto (AuthorizeSecurityGroupIngress/Egress, or
  ModifySecurityGroupRules to widen a rule, as a person in the member account), then deliver the
  CloudTrail record that change leaves: as an EventBridge
  envelope on the SQS intake queue, and/or into the Lake stand-in (StartQuery/GetQueryResults,
  AWS JSON 1.1), according to the intake mode.
- The page shows every group's rules as moto holds them, refreshed after each change and decision.
- Seeds sgwarden's own load balancer group (sgwarden-lb, 443 from the world, as ECS Express Mode makes
  it) in the service's account and writes its ID for run.sh, which passes it to the service: a change
  there is announced with why it is never reverted, and offers no Deny.
- Plays each member account's sgwarden stack: a heartbeat (the Scheduled Event of sgwarden-heartbeat)
  from each account and region every few seconds, and the control "Disable the forwarding in
  222222222222", which disables that account's rules sgwarden-forward-sg-changes and
  sgwarden-heartbeat as an insider would (two DisableRule calls, each forwarded by
  sgwarden-forward-plumbing as CloudTrail records them): its changes and heartbeats stop arriving.

Settings come from the environment (run.sh sets them): see Settings below.
"""
import hashlib
import hmac
import json
import logging
import os
import re
import secrets
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from datetime import datetime, timezone

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError
from flask import Flask, Response, jsonify, request, send_from_directory

LOG = logging.getLogger("sandbox")
HERE = os.path.dirname(os.path.abspath(__file__))


class Settings:
    port = int(os.environ.get("SANDBOX_PORT", "8090"))
    moto_url = os.environ.get("SANDBOX_MOTO_URL", "http://127.0.0.1:5000")
    service_url = os.environ.get("SANDBOX_SERVICE_URL", "http://127.0.0.1:8080")
    signing_secret = os.environ.get("SGWARDEN_SLACK_SIGNING_SECRET") or secrets.token_hex(16)
    webhook_path = os.environ.get("SANDBOX_WEBHOOK_PATH", "/services/T0SANDBOX/B0SANDBOX/sandboxwebhook")
    intake = os.environ.get("SANDBOX_INTAKE", "sqs")  # sqs, lake or both
    event_data_store = os.environ.get("SANDBOX_EVENT_DATA_STORE", "sgwarden-sandbox-eds")
    state_dir = os.environ.get("SANDBOX_STATE_DIR", os.path.join(HERE, "..", "target", "sandbox"))
    interactions_path = os.environ.get("SANDBOX_INTERACTIONS_PATH", "/slack/interactions")
    # the Web API's bot token (run.sh passes the service the same as SGWARDEN_SLACK_BOT_TOKEN); any
    # other token is refused with invalid_auth, as Slack refuses one that is wrong or revoked
    bot_token = os.environ.get("SANDBOX_BOT_TOKEN") or ("xoxb-sandbox-" + secrets.token_hex(12))


def group_window():
    """The service's grouping window as the sandbox profile sets it, for the page to say how long a change waits."""
    try:
        with open(os.path.join(HERE, "sandbox.properties")) as f:
            for line in f:
                m = re.match(r"\s*%sandbox\.sgwarden\.group\.window\s*=\s*(\S+)", line)
                if m:
                    return m.group(1)
    except OSError:
        pass
    return None


SERVICE_ACCOUNT = "123456789012"
SERVICE_REGION = "us-east-1"
TABLE = "secgrouprequests"
QUEUE = "sgwarden-intake"
DLQ = "sgwarden-intake-dlq"
TEAM = {"id": "T0SANDBOX", "domain": "sgwarden-sandbox"}
CHANNEL = {"id": "C0SANDBOX", "name": "security-changes"}
# The person clicking on the page, as Slack would name them in the payload
USER = {"id": "U0SANDBOX", "username": "sandbox.user", "name": "sandbox.user", "team_id": TEAM["id"]}
# The person making changes in the member accounts (the session name of their assumed Admin role)
CHANGER = "alice"

# The member stack's rules that the forwarding control disables, and how often the heartbeat comes
# (every 5 minutes in production; sgwarden.heartbeat.silence=20s in sandbox.properties)
FORWARDING_RULES = ["sgwarden-forward-sg-changes", "sgwarden-heartbeat"]
HEARTBEAT_SECONDS = 5
# The account whose forwarding the page can turn off (and on again)
TAMPERED_ACCOUNT = "222222222222"

# Member accounts and what is seeded in them: VPC, then groups with their starting rules
ACCOUNTS = [
    {"account": "111111111111", "region": "eu-west-1", "vpc": "payments-vpc", "cidr": "10.10.0.0/16",
     "groups": [
         {"name": "web-frontend", "description": "Public web tier",
          "ingress": [{"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443,
                       "IpRanges": [{"CidrIp": "0.0.0.0/0", "Description": "HTTPS from anywhere"}]}]},
         {"name": "bastion", "description": "Jump host",
          "ingress": [{"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22,
                       "IpRanges": [{"CidrIp": "198.51.100.0/24", "Description": "office"}]}]},
         {"name": "orders-db", "description": "Orders database",
          "ingress": [{"IpProtocol": "tcp", "FromPort": 5432, "ToPort": 5432,
                       "UserIdGroupPairs": [{"GroupName": "web-frontend", "Description": "app servers"}]}]},
         # unused: it opens nothing until someone puts it on an instance (see attach_legacy_group)
         {"name": "legacy-open", "description": "Old debugging group, unused",
          "ingress": [{"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22,
                       "IpRanges": [{"CidrIp": "0.0.0.0/0", "Description": "legacy ssh"}]}]},
         # app-1's own group: no inbound rule, so attaching next to it judges legacy-open alone
         {"name": "app-servers", "description": "App instances", "ingress": []},
         # ssh from the corp network, as the managed prefix list corp-ips holds it (see widen_prefix_list)
         {"name": "corp-ssh", "description": "SSH from the corp network",
          "ingress": [{"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22,
                       "PrefixListIds": [{"PrefixListName": "corp-ips", "Description": "corp network"}]}]},
     ],
     # managed prefix lists the groups' rules may name (PrefixListName above), created first
     "prefixLists": [{"name": "corp-ips", "entries": [{"Cidr": "198.51.100.0/24", "Description": "office"}]}],
     # a running instance (its primary interface has app-servers) for the group to be attached to
     "instance": {"name": "app-1", "subnet": "10.10.1.0/24", "group": "app-servers"}},
    {"account": "222222222222", "region": "us-east-1", "vpc": "analytics-vpc", "cidr": "10.20.0.0/16",
     "groups": [
         {"name": "reporting-api", "description": "Internal reporting API",
          "ingress": [{"IpProtocol": "tcp", "FromPort": 8443, "ToPort": 8443,
                       "IpRanges": [{"CidrIp": "10.20.0.0/16", "Description": "VPC only"}]}]},
         {"name": "etl-workers", "description": "Batch workers", "ingress": []},
     ]},
    # sgwarden's own (security) account, where ECS Express Mode puts the service's load balancer and opens
    # 443 on its group for Slack; run.sh hands the group to the service as its own
    # (sgwarden.own-load-balancer.*), so that a change on it is announced and never reverted
    {"account": SERVICE_ACCOUNT, "region": SERVICE_REGION, "vpc": "sgwarden-vpc", "cidr": "10.30.0.0/16",
     "ownLoadBalancer": "sgwarden-lb",
     "groups": [
         {"name": "sgwarden-lb", "description": "sgwarden's load balancer (ECS Express Mode)",
          "ingress": [{"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443,
                       "IpRanges": [{"CidrIp": "0.0.0.0/0", "Description": "HTTPS, Slack's clicks"}]}]},
     ]},
]

# The changes the page can make; each is one real Authorize call in moto
SCENARIOS = {
    "ssh-world": {
        "label": "Open 22/tcp to the world", "egress": False,
        "permissions": [{"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22,
                         "IpRanges": [{"CidrIp": "0.0.0.0/0", "Description": "debugging from home"}]}]},
    # one Authorize call whose two rules together are the whole IPv4 internet, though neither is 0.0.0.0/0;
    # the baseline's quarantine of admin ports open to the world takes both
    "ssh-halves": {
        "label": "Open 22/tcp to the internet in two halves", "egress": False,
        "permissions": [{"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22,
                         "IpRanges": [{"CidrIp": "0.0.0.0/1", "Description": "first half"},
                                      {"CidrIp": "128.0.0.0/1", "Description": "second half"}]}]},
    "ipv6": {
        "label": "Add an IPv6 rule (8080/tcp from ::/0)", "egress": False,
        "permissions": [{"IpProtocol": "tcp", "FromPort": 8080, "ToPort": 8080,
                         "Ipv6Ranges": [{"CidrIpv6": "::/0", "Description": "preview site"}]}]},
    "egress": {
        "label": "Add an egress rule (all TCP to 203.0.113.0/24)", "egress": True,
        "permissions": [{"IpProtocol": "tcp", "FromPort": 0, "ToPort": 65535,
                         "IpRanges": [{"CidrIp": "203.0.113.0/24", "Description": "vendor sync"}]}]},
    # sandbox/policies.yaml asks about 9443 and denies it when nobody decides within 40 s
    "undecided": {
        "label": "Open 9443/tcp to 10.0.0.0/8 and leave it undecided", "egress": False,
        "permissions": [{"IpProtocol": "tcp", "FromPort": 9443, "ToPort": 9443,
                         "IpRanges": [{"CidrIp": "10.0.0.0/8", "Description": "admin console"}]}]},
    # a ModifySecurityGroupRules call, not an Authorize one: see widen_rule
    "widen-world": {"label": "Widen a rule to the world", "widen": True},
    # twelve Authorize calls in a few seconds across an account's groups: see terraform_apply
    "apply": {"label": "Simulate a Terraform apply (12 rules across 3 groups, with a pause)", "apply": True},
    # ModifyNetworkInterfaceAttribute on app-1's interface, no rule changed: see attach_legacy_group
    "attach-legacy": {"label": "Attach the legacy open group to an instance", "attach": True},
    # CreateTags team=platform on the picked group, no rule changed: see tag_team_platform
    "tag-platform": {"label": "Tag a group team=platform", "tag": True},
    # ModifyManagedPrefixList on corp-ips, no rule changed: see widen_prefix_list
    "widen-prefix-list": {"label": "Widen the corp prefix list to the world", "prefixList": True},
    # an insider through sgwarden's own spoke role, in a session named like sgwarden's: see pose_as_sgwarden
    "pose": {"label": "Pose as sgwarden's role", "pose": True, "egress": False,
             "permissions": [{"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22,
                              "IpRanges": [{"CidrIp": "0.0.0.0/0", "Description": "maintenance"}]}]},
}
# The spoke role's name (sandbox.properties: sgwarden.revert.role-name) and the session name an insider
# who can assume it gives their session: the very name sgwarden gives its session for the page's user
SPOKE_ROLE = "sgwarden-spoke"
POSING_SESSION = "sgwarden-U0SANDBOX-sandbox.user"
# What "Simulate a Terraform apply" adds: this many rules, spread in turn over the first account's groups,
# each its own Authorize call and CloudTrail record, as `terraform apply` makes them
APPLY_RULES = 12
APPLY_CIDR = "10.10.0.0/16"
# Halfway through, the apply pauses this long (a slow resource), shorter than the sandbox's quiet gap
# (sgwarden.group.quiet=5s): the burst is still one message
APPLY_PAUSE_SECONDS = 2
# The rule "Widen a rule to the world" widens: added first (and announced) where the group lacks it,
# so that sgwarden knows its earlier form
REDIS = {"label": "Add 6379/tcp from 10.0.0.0/8", "egress": False,
         "permissions": [{"IpProtocol": "tcp", "FromPort": 6379, "ToPort": 6379,
                          "IpRanges": [{"CidrIp": "10.0.0.0/8", "Description": "cache"}]}]}


def wait_for_decision(event_id, timeout):
    """Until the ledger holds the change as decided (a policy's approval posts nothing to wait for)."""
    ddb = MOTO.service("dynamodb")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        item = ddb.get_item(TableName=TABLE, Key={"changeId": {"S": event_id}}, ConsistentRead=True).get("Item")
        if item and item.get("status", {}).get("S") not in (None, "ANNOUNCING"):
            return
        time.sleep(0.2)
    raise Conflict("sgwarden did not take in the narrow 6379/tcp rule in time; try again.")


def now_utc():
    return datetime.now(timezone.utc)


def iso(t):
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


# ---------------------------------------------------------------------------------------------
# AWS (moto) access
# ---------------------------------------------------------------------------------------------

class Moto:
    """boto3 clients on moto: as the service's own account, and as Admin in each member account."""

    def __init__(self, url):
        self.url = url
        self.config = Config(retries={"max_attempts": 2}, connect_timeout=5, read_timeout=30)
        self._lock = threading.Lock()
        self._clients = {}
        self._identity = {}

    def service(self, name):
        key = ("service", name)
        with self._lock:
            if key not in self._clients:
                self._clients[key] = boto3.client(
                    name, endpoint_url=self.url, region_name=SERVICE_REGION, aws_access_key_id="test",
                    aws_secret_access_key="test", config=self.config)
            return self._clients[key]

    def ec2(self, account, region):
        """EC2 in a member account, reached as a person there would: through its Admin role."""
        key = ("ec2", account, region)
        with self._lock:
            if key not in self._clients:
                sts = boto3.client("sts", endpoint_url=self.url, region_name=SERVICE_REGION,
                                   aws_access_key_id="test", aws_secret_access_key="test", config=self.config)
                c = sts.assume_role(RoleArn=f"arn:aws:iam::{account}:role/Admin", RoleSessionName=CHANGER,
                                    DurationSeconds=43200)
                creds = dict(aws_access_key_id=c["Credentials"]["AccessKeyId"],
                             aws_secret_access_key=c["Credentials"]["SecretAccessKey"],
                             aws_session_token=c["Credentials"]["SessionToken"])
                ident = boto3.client("sts", endpoint_url=self.url, region_name=region, config=self.config,
                                     **creds).get_caller_identity()
                self._identity[account] = {"arn": ident["Arn"], "principalId": ident["UserId"],
                                           "accessKeyId": creds["aws_access_key_id"]}
                self._clients[key] = boto3.client("ec2", endpoint_url=self.url, region_name=region,
                                                  config=self.config, **creds)
            return self._clients[key]

    def identity(self, account):
        return self._identity[account]

    def ec2_as(self, account, region, role, session):
        """EC2 in a member account through another role and session name: who CloudTrail will name."""
        sts = boto3.client("sts", endpoint_url=self.url, region_name=SERVICE_REGION,
                           aws_access_key_id="test", aws_secret_access_key="test", config=self.config)
        c = sts.assume_role(RoleArn=f"arn:aws:iam::{account}:role/{role}", RoleSessionName=session)
        creds = dict(aws_access_key_id=c["Credentials"]["AccessKeyId"],
                     aws_secret_access_key=c["Credentials"]["SecretAccessKey"],
                     aws_session_token=c["Credentials"]["SessionToken"])
        ident = boto3.client("sts", endpoint_url=self.url, region_name=region, config=self.config,
                             **creds).get_caller_identity()
        identity = {"arn": ident["Arn"], "principalId": ident["UserId"], "accessKeyId": creds["aws_access_key_id"],
                    "role": role}
        return boto3.client("ec2", endpoint_url=self.url, region_name=region, config=self.config, **creds), identity


# ---------------------------------------------------------------------------------------------
# Shared state: messages, groups, activity; versioned so the page can long-poll
# ---------------------------------------------------------------------------------------------

class State:
    def __init__(self):
        self.cond = threading.Condition()
        self.version = 0
        self.messages = []  # dicts: id, ts, text, blocks, eventId, edited, ephemeral, deleted
        self.response_urls = {}  # token -> {"message": id, "uses": n}
        self.groups = []  # accounts with their groups and rules, as moto holds them
        self.activity = []
        self.service_ready = False
        self.sandbox_rules = {}  # rule id -> what added it (event id, group), to notice when it is gone
        self.removed = {}  # group id -> rules added here that moto no longer holds (shown struck out)
        self.applies = 0  # "Simulate a Terraform apply" clicks so far: each takes ports of its own
        self.forwarding = {}  # account -> whether its sgwarden rules forward (the heartbeat and its changes)

    def bump(self):
        with self.cond:
            self.version += 1
            self.cond.notify_all()

    def log(self, text, **extra):
        entry = {"at": iso(now_utc()), "text": text}
        entry.update(extra)
        with self.cond:
            self.activity.append(entry)
            del self.activity[:-50]
        LOG.info("%s", text)
        self.bump()

    def message(self, message_id):
        for m in self.messages:
            if m["id"] == message_id:
                return m
        return None

    def snapshot(self):
        with self.cond:
            # copied under the lock: requests change these while the answer is being written
            return json.loads(json.dumps({
                "version": self.version,
                "serviceReady": self.service_ready,
                "intake": Settings.intake,
                "user": USER,
                "channel": CHANNEL,
                "scenarios": [{"id": k, "label": v["label"]} for k, v in SCENARIOS.items()],
                "groupWindow": group_window(),
                "messages": [m for m in self.messages if not m.get("deleted")],
                "accounts": self.groups,
                "removed": self.removed,
                "forwarding": self.forwarding,
                "tamperedAccount": TAMPERED_ACCOUNT,
                "activity": list(reversed(self.activity)),
            }))


STATE = State()
MOTO = Moto(Settings.moto_url)
LAKE_EVENTS = []  # (eventTime, eventName, json) delivered to the Lake stand-in
LAKE_QUERIES = {}


# ---------------------------------------------------------------------------------------------
# Setup and seeding
# ---------------------------------------------------------------------------------------------

def setup():
    ddb = MOTO.service("dynamodb")
    if TABLE not in ddb.list_tables()["TableNames"]:
        # the due-index, as deploy/cloudformation/security-shared.yaml defines it: approvals that expire
        ddb.create_table(TableName=TABLE, BillingMode="PAY_PER_REQUEST",
                         AttributeDefinitions=[{"AttributeName": "changeId", "AttributeType": "S"},
                                               {"AttributeName": "dueShard", "AttributeType": "S"},
                                               {"AttributeName": "dueAt", "AttributeType": "N"}],
                         KeySchema=[{"AttributeName": "changeId", "KeyType": "HASH"}],
                         GlobalSecondaryIndexes=[{"IndexName": "due-index",
                                                  "KeySchema": [{"AttributeName": "dueShard", "KeyType": "HASH"},
                                                                {"AttributeName": "dueAt", "KeyType": "RANGE"}],
                                                  "Projection": {"ProjectionType": "ALL"}}])
    sqs = MOTO.service("sqs")
    dlq = sqs.create_queue(QueueName=DLQ)["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    queue = sqs.create_queue(QueueName=QUEUE, Attributes={
        "VisibilityTimeout": "5",
        "RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": "4"})})["QueueUrl"]
    Settings.queue_url = queue
    for acct in ACCOUNTS:
        ec2 = MOTO.ec2(acct["account"], acct["region"])
        existing = ec2.describe_vpcs(Filters=[{"Name": "tag:Name", "Values": [acct["vpc"]]}])["Vpcs"]
        if existing:
            acct["vpcId"] = existing[0]["VpcId"]
            write_own_load_balancer(ec2, acct)
            continue
        vpc = ec2.create_vpc(CidrBlock=acct["cidr"], TagSpecifications=[
            {"ResourceType": "vpc", "Tags": [{"Key": "Name", "Value": acct["vpc"]}]}])["Vpc"]["VpcId"]
        acct["vpcId"] = vpc
        lists = {}
        for pl in acct.get("prefixLists", []):
            lists[pl["name"]] = ec2.create_managed_prefix_list(
                PrefixListName=pl["name"], AddressFamily="IPv4", MaxEntries=20,
                Entries=pl["entries"])["PrefixList"]["PrefixListId"]
        ids = {}
        for g in acct["groups"]:
            ids[g["name"]] = ec2.create_security_group(GroupName=g["name"], Description=g["description"],
                                                       VpcId=vpc)["GroupId"]
        for g in acct["groups"]:
            perms = json.loads(json.dumps(g["ingress"]))
            for p in perms:
                for pair in p.get("UserIdGroupPairs", []):
                    pair["GroupId"] = ids[pair.pop("GroupName")]
                for pl in p.get("PrefixListIds", []):
                    pl["PrefixListId"] = lists[pl.pop("PrefixListName")]
            if perms:
                ec2.authorize_security_group_ingress(GroupId=ids[g["name"]], IpPermissions=perms)
        write_own_load_balancer(ec2, acct)
        if "instance" in acct:
            spec = acct["instance"]
            subnet = ec2.create_subnet(VpcId=vpc, CidrBlock=spec["subnet"])["Subnet"]["SubnetId"]
            image = ec2.describe_images()["Images"][0]["ImageId"]
            ec2.run_instances(ImageId=image, MinCount=1, MaxCount=1, SubnetId=subnet,
                              SecurityGroupIds=[ids[spec["group"]]], TagSpecifications=[
                                  {"ResourceType": "instance", "Tags": [{"Key": "Name", "Value": spec["name"]}]}])
    state_dir = os.path.abspath(Settings.state_dir)
    os.makedirs(state_dir, exist_ok=True)
    with open(os.path.join(state_dir, "queue-url"), "w") as f:
        f.write(queue + "\n")
    refresh_groups()
    STATE.log("Sandbox ready: accounts 111111111111 and 222222222222 seeded; intake queue, dead-letter "
              "queue, ledger table and sgwarden's own load balancer group (sgwarden-lb) created in the service's "
              "account " + SERVICE_ACCOUNT)


def write_own_load_balancer(ec2, acct):
    """The service's own load balancer group, for run.sh to pass as the compute stack does: "account group-id"."""
    if "ownLoadBalancer" not in acct:
        return
    group = ec2.describe_security_groups(Filters=[{"Name": "vpc-id", "Values": [acct["vpcId"]]},
                                                  {"Name": "group-name", "Values": [acct["ownLoadBalancer"]]}])[
        "SecurityGroups"][0]["GroupId"]
    state_dir = os.path.abspath(Settings.state_dir)
    os.makedirs(state_dir, exist_ok=True)
    with open(os.path.join(state_dir, "own-load-balancer"), "w") as f:
        f.write(f"{acct['account']} {group}\n")


def describe_rule(r):
    if r.get("IpProtocol") == "-1":
        traffic = "all traffic"
    else:
        proto = {"6": "tcp", "17": "udp", "1": "icmp", "58": "icmpv6"}.get(r["IpProtocol"], r["IpProtocol"])
        lo, hi = r.get("FromPort"), r.get("ToPort")
        if proto in ("icmp", "icmpv6"):
            traffic = proto if lo in (None, -1) else f"{proto} type {lo}"
        elif lo in (None, -1) or (lo == 0 and hi == 65535):
            traffic = f"all {proto} ports"
        elif lo == hi:
            traffic = f"{lo}/{proto}"
        else:
            traffic = f"{lo}-{hi}/{proto}"
    if r.get("CidrIpv4"):
        peer = r["CidrIpv4"]
    elif r.get("CidrIpv6"):
        peer = r["CidrIpv6"]
    elif r.get("PrefixListId"):
        peer = r["PrefixListId"]
    elif r.get("ReferencedGroupInfo"):
        peer = r["ReferencedGroupInfo"].get("GroupId")
    else:
        peer = "?"
    return traffic, peer


def refresh_groups():
    """Reads every seeded group's rules from moto; bumps the version when anything changed."""
    accounts = []
    for acct in ACCOUNTS:
        if "vpcId" not in acct:
            continue
        ec2 = MOTO.ec2(acct["account"], acct["region"])
        groups = ec2.describe_security_groups(Filters=[{"Name": "vpc-id", "Values": [acct["vpcId"]]}])[
            "SecurityGroups"]
        groups = [g for g in groups if g["GroupName"] != "default"]
        order = [g["name"] for g in acct["groups"]]
        groups.sort(key=lambda g: order.index(g["GroupName"]) if g["GroupName"] in order else 99)
        ids = [g["GroupId"] for g in groups]
        rules = ec2.describe_security_group_rules(Filters=[{"Name": "group-id", "Values": ids}])[
            "SecurityGroupRules"] if ids else []
        out = []
        for g in groups:
            mine = []
            for r in rules:
                if r["GroupId"] != g["GroupId"]:
                    continue
                traffic, peer = describe_rule(r)
                mine.append({"id": r["SecurityGroupRuleId"], "egress": r["IsEgress"], "traffic": traffic,
                             "peer": peer, "description": r.get("Description", ""),
                             "eventId": STATE.sandbox_rules.get(r["SecurityGroupRuleId"], {}).get("eventId")})
            mine.sort(key=lambda x: (x["egress"], x["traffic"], x["peer"]))
            out.append({"id": g["GroupId"], "name": g["GroupName"], "description": g.get("Description", ""),
                        "rules": mine})
        accounts.append({"account": acct["account"], "region": acct["region"], "vpc": acct["vpc"],
                         "vpcId": acct["vpcId"], "groups": out})
    present = {r["id"] for a in accounts for g in a["groups"] for r in g["rules"]}
    gone = []
    with STATE.cond:
        changed = accounts != STATE.groups
        STATE.groups = accounts
        for rule_id, info in list(STATE.sandbox_rules.items()):
            if rule_id not in present:
                gone.append((rule_id, info))
                del STATE.sandbox_rules[rule_id]
                STATE.removed.setdefault(info["groupId"], []).append(
                    {"id": rule_id, "summary": info["summary"], "at": iso(now_utc())})
    for rule_id, info in gone:
        STATE.log(f"moto: rule {rule_id} ({info['summary']}) is no longer in {info['groupId']}",
                  ruleId=rule_id, groupId=info["groupId"])
    if changed:
        STATE.bump()


def refresher():
    """Keeps the page's view of moto and of the service's readiness current, whatever changed them."""
    tick = 0
    while True:
        time.sleep(1)
        tick += 1
        if tick % 3 == 0:
            try:
                refresh_groups()
            except Exception as e:  # moto restarting or stopping: try again later
                LOG.debug("refresh failed: %s", e)
        if STATE.service_ready and tick % 5:
            continue
        try:
            with urllib.request.urlopen(Settings.service_url + "/healthz", timeout=3) as r:
                ready = r.status == 200
        except Exception:
            ready = False
        if ready != STATE.service_ready:
            STATE.service_ready = ready
            STATE.log("The service is " + ("ready" if ready else "not answering"))


# ---------------------------------------------------------------------------------------------
# Making a change, and the CloudTrail record it leaves
# ---------------------------------------------------------------------------------------------

def find_group(group_id):
    """The seeded account holding the group, and the group as last read from moto."""
    with STATE.cond:
        for a in STATE.groups:
            for g in a["groups"]:
                if g["id"] == group_id:
                    return next(x for x in ACCOUNTS if x["account"] == a["account"]), g
    return None, None


def rule_ids(ec2, group_id):
    return [r["SecurityGroupRuleId"] for r in ec2.describe_security_group_rules(
        Filters=[{"Name": "group-id", "Values": [group_id]}])["SecurityGroupRules"]]


def make_change(scenario_id, group_id, scenario=None, refresh=True, ec2=None, identity=None, who=CHANGER):
    scenario = scenario or SCENARIOS[scenario_id]
    acct, group = find_group(group_id)
    if acct is None:
        raise LookupError(f"no seeded group {group_id}")
    account, region, egress = acct["account"], acct["region"], scenario["egress"]
    ec2 = ec2 or MOTO.ec2(account, region)
    before = set(rule_ids(ec2, group_id))
    perms = scenario["permissions"]
    if egress:
        ec2.authorize_security_group_egress(GroupId=group_id, IpPermissions=perms)
    else:
        ec2.authorize_security_group_ingress(GroupId=group_id, IpPermissions=perms)
    # moto's answer can leave out rules of a multi-permission call; the group itself is exact
    created = [r for r in ec2.describe_security_group_rules(
        Filters=[{"Name": "group-id", "Values": [group_id]}])["SecurityGroupRules"]
        if r["SecurityGroupRuleId"] not in before]
    event_id = str(uuid.uuid4())
    record = cloudtrail_record(event_id, now_utc(), account, region, group_id, egress, perms, created, identity)
    summary = ", ".join("%s %s %s" % (describe_rule(r)[0], "to" if egress else "from", describe_rule(r)[1])
                        for r in created)
    with STATE.cond:
        for r in created:
            STATE.sandbox_rules[r["SecurityGroupRuleId"]] = {"eventId": event_id, "groupId": group_id,
                                                            "summary": summary}
    ids = [r["SecurityGroupRuleId"] for r in created]
    STATE.log(f"{who} in {account} added {summary} to {group_id} ({group['name']}) in {region}: "
              f"rule {', '.join(ids)}; CloudTrail event {event_id}",
              eventId=event_id, groupId=group_id, ruleIds=ids)
    delivered = deliver(record, account, region)
    if refresh:
        refresh_groups()
    return {"eventId": event_id, "groupId": group_id, "account": account, "region": region,
            "ruleIds": ids, "deliveredTo": delivered}


def instance_of(acct):
    """The seeded instance of the account and its primary interface, as moto holds them now."""
    ec2 = MOTO.ec2(acct["account"], acct["region"])
    name = acct["instance"]["name"]
    found = [i for r in ec2.describe_instances(Filters=[{"Name": "tag:Name", "Values": [name]}])["Reservations"]
             for i in r["Instances"] if i["State"]["Name"] == "running"]
    if not found:
        raise LookupError(f"no running instance {name}")
    eni = next(n for n in found[0]["NetworkInterfaces"] if n["Attachment"]["DeviceIndex"] == 0)
    groups = ec2.describe_network_interfaces(NetworkInterfaceIds=[eni["NetworkInterfaceId"]])[
        "NetworkInterfaces"][0]["Groups"]
    return found[0]["InstanceId"], eni["NetworkInterfaceId"], [g["GroupId"] for g in groups]


def attach_legacy_group():
    """An insider puts the unused legacy-open group (22/tcp from 0.0.0.0/0) on app-1's interface with
    ModifyNetworkInterfaceAttribute: no rule changes, yet ssh is open to the world on the instance.
    sgwarden judges the group's rules as if added now (the sandbox's baseline quarantines them: the
    group is taken off the interface at once)."""
    acct = next(a for a in ACCOUNTS if "instance" in a)
    account, region = acct["account"], acct["region"]
    ec2 = MOTO.ec2(account, region)
    legacy = next((g for a in STATE.groups if a["account"] == account for g in a["groups"]
                   if g["name"] == "legacy-open"), None)
    if legacy is None:
        raise LookupError("no seeded group legacy-open")
    instance, eni, groups = instance_of(acct)
    if legacy["id"] in groups:
        raise Conflict("legacy-open is already on app-1. Deny it first.")
    # the whole new set, as the call takes it and CloudTrail records it
    new_set = groups + [legacy["id"]]
    ec2.modify_network_interface_attribute(NetworkInterfaceId=eni, Groups=new_set)
    event_id = str(uuid.uuid4())
    record = cloudtrail_record(event_id, now_utc(), account, region, legacy["id"], False, [], [])
    record["eventName"] = "ModifyNetworkInterfaceAttribute"
    record["requestParameters"] = {"networkInterfaceId": eni,
                                   "groupSet": {"items": [{"groupId": g} for g in new_set]}}
    record["responseElements"] = {"requestId": record["requestID"], "_return": True}
    change_id = f"{event_id}#{legacy['id']}"
    STATE.log(f"{CHANGER} in {account} put legacy-open ({legacy['id']}, 22/tcp from 0.0.0.0/0) on {eni} of "
              f"{instance} (app-1) with ModifyNetworkInterfaceAttribute, groups now {', '.join(new_set)}; no rule "
              f"changed; CloudTrail event {event_id}", eventId=change_id, groupId=legacy["id"])
    delivered = deliver(record, account, region)
    return {"eventId": change_id, "groupId": legacy["id"], "account": account, "region": region,
            "ruleIds": [], "deliveredTo": delivered, "interfaceId": eni, "instanceId": instance,
            "verb": f"legacy-open attached to {eni} of {instance} (app-1), no rule changed;"}


def tag_team_platform(group_id):
    """An insider tags the picked group team=platform with CreateTags: no rule changes, but the sandbox's
    policy platform-team-trusted approves every change to groups so tagged. sgwarden announces what the tag
    switches; until a person approves it, the approve policy does not count the new tag (Deny takes it
    off again)."""
    acct, group = find_group(group_id)
    if acct is None:
        raise LookupError(f"no seeded group {group_id}")
    account, region = acct["account"], acct["region"]
    ec2 = MOTO.ec2(account, region)
    tags = {t["Key"]: t["Value"] for t in ec2.describe_security_groups(GroupIds=[group_id])["SecurityGroups"][0]
            .get("Tags", [])}
    if tags.get("team") == "platform":
        raise Conflict(f"{group['name']} is tagged team=platform already. Deny it first.")
    ec2.create_tags(Resources=[group_id], Tags=[{"Key": "team", "Value": "platform"}])
    event_id = str(uuid.uuid4())
    record = cloudtrail_record(event_id, now_utc(), account, region, group_id, False, [], [])
    record["eventName"] = "CreateTags"
    record["requestParameters"] = {"resourcesSet": {"items": [{"resourceId": group_id}]},
                                   "tagSet": {"items": [{"key": "team", "value": "platform"}]}}
    record["responseElements"] = {"requestId": record["requestID"], "_return": True}
    change_id = f"{event_id}#{group_id}"
    STATE.log(f"{CHANGER} in {account} tagged {group['name']} ({group_id}) team=platform with CreateTags; no rule "
              f"changed; CloudTrail event {event_id}", eventId=change_id, groupId=group_id)
    delivered = deliver(record, account, region)
    return {"eventId": change_id, "groupId": group_id, "account": account, "region": region,
            "ruleIds": [], "deliveredTo": delivered, "verb": f"team=platform set on {group['name']}, no rule changed;"}


def corp_list():
    """The account holding the seeded prefix list corp-ips, the list as moto holds it now, and its entries."""
    acct = next(a for a in ACCOUNTS if a.get("prefixLists"))
    ec2 = MOTO.ec2(acct["account"], acct["region"])
    found = ec2.describe_managed_prefix_lists(
        Filters=[{"Name": "prefix-list-name", "Values": ["corp-ips"]}])["PrefixLists"]
    if not found:
        raise LookupError("no seeded prefix list corp-ips")
    pl = found[0]
    entries = ec2.get_managed_prefix_list_entries(PrefixListId=pl["PrefixListId"]).get("Entries") or []
    return acct, pl, sorted(e["Cidr"] for e in entries)


def widen_prefix_list():
    """An insider adds 0.0.0.0/0 to the managed prefix list corp-ips with one ModifyManagedPrefixList:
    no rule changes, yet corp-ssh's rule (22/tcp from the list) now lets the whole internet in. sgwarden
    reads the list at both versions, finds corp-ssh's rule through the list's associations and judges it
    as 22/tcp from 0.0.0.0/0 (the sandbox's baseline quarantines it: the entry is taken out at once)."""
    acct, pl, entries = corp_list()
    account, region = acct["account"], acct["region"]
    if "0.0.0.0/0" in entries:
        raise Conflict("corp-ips already holds 0.0.0.0/0. Deny it first.")
    group = next((g for a in STATE.groups if a["account"] == account for g in a["groups"]
                  if g["name"] == "corp-ssh"), None)
    if group is None:
        raise LookupError("no seeded group corp-ssh")
    seen = pl["Version"]
    MOTO.ec2(account, region).modify_managed_prefix_list(
        PrefixListId=pl["PrefixListId"], CurrentVersion=seen, PrefixListName=pl["PrefixListName"],
        AddEntries=[{"Cidr": "0.0.0.0/0", "Description": "temporary"}])
    event_id = str(uuid.uuid4())
    record = cloudtrail_record(event_id, now_utc(), account, region, group["id"], False, [], [])
    record["eventName"] = "ModifyManagedPrefixList"
    # the newer EC2 calls' shape: a …Request wrapper with capitalized keys (entries are never read from it)
    record["requestParameters"] = {"ModifyManagedPrefixListRequest": {
        "PrefixListId": pl["PrefixListId"], "CurrentVersion": seen,
        "AddEntry": {"Cidr": "0.0.0.0/0", "Description": "temporary", "tag": 1}}}
    record["responseElements"] = {"ModifyManagedPrefixListResponse": {"prefixList": {
        "prefixListId": pl["PrefixListId"], "prefixListName": pl["PrefixListName"], "version": seen,
        "state": "modify-in-progress", "ownerId": account}, "requestId": record["requestID"]}}
    change_id = f"{event_id}#{group['id']}"
    STATE.log(f"{CHANGER} in {account} added 0.0.0.0/0 to prefix list corp-ips ({pl['PrefixListId']}, version "
              f"{seen} -> {seen + 1}) with ModifyManagedPrefixList; corp-ssh ({group['id']}) allows 22/tcp from "
              f"the list; no rule changed; CloudTrail event {event_id}", eventId=change_id, groupId=group["id"])
    delivered = deliver(record, account, region)
    return {"eventId": change_id, "groupId": group["id"], "account": account, "region": region,
            "ruleIds": [], "deliveredTo": delivered, "prefixListId": pl["PrefixListId"],
            "verb": f"0.0.0.0/0 added to prefix list corp-ips ({pl['PrefixListId']}), used by"}


def pose_as_sgwarden(group_id):
    """An admin of the member account who can assume sgwarden's spoke role (they edited its trust
    policy) opens 22/tcp to the world through it, in a session named as sgwarden names its own. sgwarden
    made no such write, so it announces the change, flagged, and its policies act on it."""
    acct, _ = find_group(group_id)
    if acct is None:
        raise LookupError(f"no seeded group {group_id}")
    ec2, identity = MOTO.ec2_as(acct["account"], acct["region"], SPOKE_ROLE, POSING_SESSION)
    return make_change("pose", group_id, ec2=ec2, identity=identity,
                       who=f"someone through {SPOKE_ROLE} as session {POSING_SESSION}")


def terraform_apply():
    """A burst by one principal in one account: APPLY_RULES rules in a few seconds across the first
    account's groups, each its own AuthorizeSecurityGroupIngress and CloudTrail record, with a pause
    halfway. sgwarden holds them until no change came for its quiet gap and announces them as one
    message."""
    acct = ACCOUNTS[0]
    with STATE.cond:
        # the unused legacy-open group, app-1's and the corp list's are not Terraform's
        groups = [g for a in STATE.groups if a["account"] == acct["account"] for g in a["groups"]
                  if g["name"] not in ("legacy-open", "app-servers", "corp-ssh")]
        STATE.applies += 1
        # ports not used by an earlier apply, so a second one is a new burst rather than duplicates
        base = 9000 + (STATE.applies - 1) * APPLY_RULES
    if not groups:
        raise LookupError(f"no seeded groups in {acct['account']}")
    STATE.log(f"terraform apply by {CHANGER} in {acct['account']}: {APPLY_RULES} rules across "
              f"{min(len(groups), APPLY_RULES)} security groups, one call each")
    made = []
    for i in range(APPLY_RULES):
        if i == APPLY_RULES // 2:
            STATE.log(f"terraform apply pauses {APPLY_PAUSE_SECONDS} s halfway (a slow resource)")
            time.sleep(APPLY_PAUSE_SECONDS)
        g = groups[i % len(groups)]
        port = base + i
        scenario = {"label": f"Add {port}/tcp from {APPLY_CIDR}", "egress": False,
                    "permissions": [{"IpProtocol": "tcp", "FromPort": port, "ToPort": port,
                                     "IpRanges": [{"CidrIp": APPLY_CIDR, "Description": f"terraform: app-{port}"}]}]}
        made.append(make_change("apply", g["id"], scenario, refresh=False))
    refresh_groups()
    return {"eventId": made[0]["eventId"], "eventIds": [m["eventId"] for m in made],
            "groupId": ", ".join(dict.fromkeys(m["groupId"] for m in made)), "account": acct["account"],
            "region": acct["region"], "ruleIds": [r for m in made for r in m["ruleIds"]],
            "deliveredTo": made[0]["deliveredTo"]}


class Conflict(Exception):
    pass


def widen_rule(group_id):
    """ModifySecurityGroupRules: 6379/tcp from 10.0.0.0/8 becomes 6379/tcp from 0.0.0.0/0, in place."""
    acct, group = find_group(group_id)
    if acct is None:
        raise LookupError(f"no seeded group {group_id}")
    account, region = acct["account"], acct["region"]
    ec2 = MOTO.ec2(account, region)

    def redis(cidr):
        return next((r for r in ec2.describe_security_group_rules(
            Filters=[{"Name": "group-id", "Values": [group_id]}])["SecurityGroupRules"]
            if not r["IsEgress"] and r["IpProtocol"] == "tcp" and r.get("FromPort") == 6379
            and r.get("CidrIpv4") == cidr), None)

    rule = redis("10.0.0.0/8")
    if rule is None:
        if redis("0.0.0.0/0") is not None:
            raise Conflict("6379/tcp is already open to the world in this group. Deny it first, or pick another group.")
        added = make_change("redis", group_id, REDIS)
        # sgwarden learns a rule's form from the addition, which policy sandbox-widen-setup approves
        # without a message: wait until its decision is stored
        wait_for_decision(added["eventId"], timeout=30)
        rule = redis("10.0.0.0/8")
    rule_id = rule["SecurityGroupRuleId"]
    new_form = {"IpProtocol": "tcp", "FromPort": 6379, "ToPort": 6379, "CidrIpv4": "0.0.0.0/0",
                "Description": "cache"}
    ec2.modify_security_group_rules(GroupId=group_id, SecurityGroupRules=[
        {"SecurityGroupRuleId": rule_id, "SecurityGroupRule": new_form}])
    event_id = str(uuid.uuid4())
    record = cloudtrail_record(event_id, now_utc(), account, region, group_id, False, [], [])
    # the shape in the shared notes' wire facts: PascalCase, the rule's earlier form nowhere in it
    record["eventName"] = "ModifySecurityGroupRules"
    record["requestParameters"] = {"ModifySecurityGroupRulesRequest": {"GroupId": group_id, "SecurityGroupRule": {
        "SecurityGroupRuleId": rule_id, "tag": 1, "SecurityGroupRule": new_form}}}
    record["responseElements"] = {"ModifySecurityGroupRulesResponse": {"requestId": record["requestID"],
                                                                       "return": True}}
    with STATE.cond:
        STATE.sandbox_rules[rule_id] = {"eventId": event_id, "groupId": group_id,
                                        "summary": "6379/tcp from 0.0.0.0/0"}
    STATE.log(f"{CHANGER} in {account} widened rule {rule_id} of {group_id} ({group['name']}) in place: "
              f"6379/tcp from 10.0.0.0/8 → 6379/tcp from 0.0.0.0/0 (ModifySecurityGroupRules); "
              f"CloudTrail event {event_id}", eventId=event_id, groupId=group_id, ruleIds=[rule_id])
    delivered = deliver(record, account, region)
    refresh_groups()
    return {"eventId": event_id, "groupId": group_id, "account": account, "region": region,
            "ruleIds": [rule_id], "deliveredTo": delivered, "verb": "widened in"}


def cloudtrail_record(event_id, t, account, region, group_id, egress, perms, created, identity=None):
    """The record CloudTrail writes for the call (shape: shared notes' wire facts and the tests' Records)."""
    ident = identity or MOTO.identity(account)
    role = ident.get("role", "Admin")

    def wrap(items):
        return {"items": items} if items else {}

    request_perms = []
    for p in perms:
        item = {"ipProtocol": p["IpProtocol"], "fromPort": p.get("FromPort"), "toPort": p.get("ToPort"),
                "groups": wrap([{"groupId": g["GroupId"], **({"description": g["Description"]}
                                                              if g.get("Description") else {})}
                                for g in p.get("UserIdGroupPairs", [])]),
                "ipRanges": wrap([{"cidrIp": r["CidrIp"], **({"description": r["Description"]}
                                                              if r.get("Description") else {})}
                                  for r in p.get("IpRanges", [])]),
                "ipv6Ranges": wrap([{"cidrIpv6": r["CidrIpv6"], **({"description": r["Description"]}
                                                                    if r.get("Description") else {})}
                                    for r in p.get("Ipv6Ranges", [])]),
                "prefixListIds": wrap([{"prefixListId": r["PrefixListId"]} for r in p.get("PrefixListIds", [])])}
        request_perms.append(item)
    rule_set = []
    for r in created:
        s = {"groupOwnerId": account, "groupId": group_id, "securityGroupRuleId": r["SecurityGroupRuleId"],
             "isEgress": egress, "ipProtocol": r["IpProtocol"], "fromPort": r.get("FromPort"),
             "toPort": r.get("ToPort")}
        if r.get("CidrIpv4"):
            s["cidrIpv4"] = r["CidrIpv4"]
        if r.get("CidrIpv6"):
            s["cidrIpv6"] = r["CidrIpv6"]
        if r.get("PrefixListId"):
            s["prefixListId"] = r["PrefixListId"]
        if r.get("ReferencedGroupInfo"):
            s["referencedGroupInfo"] = {"groupId": r["ReferencedGroupInfo"].get("GroupId"),
                                        "userId": r["ReferencedGroupInfo"].get("UserId", account)}
        if r.get("Description"):
            s["description"] = r["Description"]
        rule_set.append(s)
    role_arn = f"arn:aws:iam::{account}:role/{role}"
    return {
        "eventVersion": "1.09",
        "userIdentity": {
            "type": "AssumedRole", "principalId": ident["principalId"], "arn": ident["arn"],
            "accountId": account, "accessKeyId": ident["accessKeyId"],
            "sessionContext": {
                "sessionIssuer": {"type": "Role", "principalId": ident["principalId"].split(":")[0],
                                  "arn": role_arn, "accountId": account, "userName": role},
                "attributes": {"creationDate": iso(t), "mfaAuthenticated": "false"}}},
        "eventTime": iso(t),
        "eventSource": "ec2.amazonaws.com",
        "eventName": "AuthorizeSecurityGroupEgress" if egress else "AuthorizeSecurityGroupIngress",
        "awsRegion": region,
        "sourceIPAddress": "203.0.113.10",
        "userAgent": "aws-cli/2.15.0 sgwarden-sandbox",
        "requestParameters": {"groupId": group_id, "ipPermissions": {"items": request_perms}},
        "responseElements": {"requestId": str(uuid.uuid4()), "_return": True,
                             "securityGroupRuleSet": wrap(rule_set)},
        "requestID": str(uuid.uuid4()),
        "eventID": event_id,
        "readOnly": False,
        "eventType": "AwsApiCall",
        "managementEvent": True,
        "recipientAccountId": account,
        "eventCategory": "Management",
    }


def envelope(record, account, region):
    """What the central EventBridge bus's rule puts on the SQS queue."""
    return {"version": "0", "id": str(uuid.uuid4()), "detail-type": "AWS API Call via CloudTrail",
            "source": "aws.ec2", "account": account, "time": iso(now_utc()), "region": region,
            "resources": [], "detail": record}


def deliver(record, account, region):
    delivered = []
    if Settings.intake in ("sqs", "both") and not STATE.forwarding.get(account, True):
        STATE.log(f"Not forwarded: sgwarden-forward-sg-changes is disabled in {account}, so event "
                  f"{record['eventID']} never reaches the central bus", eventId=record["eventID"])
    elif Settings.intake in ("sqs", "both"):
        body = json.dumps(envelope(record, account, region))
        sent = MOTO.service("sqs").send_message(QueueUrl=Settings.queue_url, MessageBody=body)
        delivered.append("sqs")
        STATE.log(f"EventBridge envelope for event {record['eventID']} put on the SQS queue {QUEUE} "
                  f"(message {sent['MessageId']})", eventId=record["eventID"])
    if Settings.intake in ("lake", "both"):
        with STATE.cond:
            LAKE_EVENTS.append((datetime.strptime(record["eventTime"], "%Y-%m-%dT%H:%M:%SZ")
                                .replace(tzinfo=timezone.utc), record["eventName"], json.dumps(record)))
        delivered.append("lake")
        STATE.log(f"Record for event {record['eventID']} stored in the Lake stand-in (event data store "
                  f"{Settings.event_data_store}); the service finds it on its next query",
                  eventId=record["eventID"])
    return delivered


def heartbeat_envelope(account, region):
    """The Scheduled Event of the member stack's rule sgwarden-heartbeat, as EventBridge forwards it."""
    return {"version": "0", "id": str(uuid.uuid4()), "detail-type": "Scheduled Event", "source": "aws.events",
            "account": account, "time": iso(now_utc()), "region": region,
            "resources": [f"arn:aws:events:{region}:{account}:rule/sgwarden-heartbeat"], "detail": {}}


def heartbeats():
    """Each account's heartbeat from its region while its forwarding is on (not logged: one every few seconds)."""
    while True:
        if Settings.intake in ("sqs", "both") and getattr(Settings, "queue_url", None):
            for acct in ACCOUNTS:
                if STATE.forwarding.get(acct["account"], True):
                    try:
                        MOTO.service("sqs").send_message(
                            QueueUrl=Settings.queue_url,
                            MessageBody=json.dumps(heartbeat_envelope(acct["account"], acct["region"])))
                    except Exception as e:  # moto stopping: try again on the next beat
                        LOG.debug("heartbeat failed: %s", e)
        time.sleep(HEARTBEAT_SECONDS)


def rule_call_record(event_id, t, account, region, event_name, rule):
    """What CloudTrail writes for alice's call on one of the member stack's EventBridge rules."""
    ident = MOTO.identity(account)
    return {
        "eventVersion": "1.09",
        "userIdentity": {"type": "AssumedRole", "principalId": ident["principalId"], "arn": ident["arn"],
                         "accountId": account, "accessKeyId": ident["accessKeyId"]},
        "eventTime": iso(t),
        "eventSource": "events.amazonaws.com",
        "eventName": event_name,
        "awsRegion": region,
        "sourceIPAddress": "203.0.113.10",
        "userAgent": "aws-cli/2.15.0 sgwarden-sandbox",
        "requestParameters": {"name": rule},
        "responseElements": None,
        "requestID": str(uuid.uuid4()),
        "eventID": event_id,
        "readOnly": False,
        "eventType": "AwsApiCall",
        "managementEvent": True,
        "recipientAccountId": account,
        "eventCategory": "Management",
    }


def set_forwarding(account, on):
    """alice disables (or enables) the account's forwarding rules; sgwarden-forward-plumbing forwards each call."""
    acct = next((a for a in ACCOUNTS if a["account"] == account), None)
    if acct is None:
        raise LookupError("no such account")
    MOTO.ec2(account, acct["region"])  # alice's identity there
    event_ids = []
    with STATE.cond:
        STATE.forwarding[account] = on
    for rule in FORWARDING_RULES:
        event_id = str(uuid.uuid4())
        record = rule_call_record(event_id, now_utc(), account, acct["region"], "EnableRule" if on else "DisableRule",
                                  rule)
        if Settings.intake in ("sqs", "both"):
            envelope_ = {"version": "0", "id": str(uuid.uuid4()), "detail-type": "AWS API Call via CloudTrail",
                         "source": "aws.events", "account": account, "time": iso(now_utc()),
                         "region": acct["region"], "resources": [], "detail": record}
            MOTO.service("sqs").send_message(QueueUrl=Settings.queue_url, MessageBody=json.dumps(envelope_))
        event_ids.append(event_id)
        STATE.log(f"alice {'enabled' if on else 'disabled'} the rule {rule} in {account} / {acct['region']}; "
                  f"sgwarden-forward-plumbing forwarded the call (event {event_id})", eventId=event_id)
    STATE.log(f"{account}: security group changes and heartbeats are "
              + ("forwarded again" if on else "no longer forwarded"))
    return {"account": account, "region": acct["region"], "forwarding": on, "eventIds": event_ids}


# ---------------------------------------------------------------------------------------------
# Slack stand-in: webhook in, clicks out, response_url in
# ---------------------------------------------------------------------------------------------

def event_id_of(blocks):
    for b in blocks or []:
        if b.get("type") == "actions":
            for e in b.get("elements", []):
                if e.get("value"):
                    return e["value"]
    for b in blocks or []:
        if b.get("type") == "context":
            for e in b.get("elements", []):
                m = re.search(r"event `([^`]+)`", e.get("text", ""))
                if m:
                    return m.group(1)
    return None


_LAST_TS = [0]


def slack_ts():
    """A message ts as Slack writes it (seconds.microseconds), unique in the channel as Slack's are."""
    with STATE.cond:
        micros = max(int(time.time() * 1_000_000), _LAST_TS[0] + 1)
        _LAST_TS[0] = micros
    return "%d.%06d" % divmod(micros, 1_000_000)


def sign(secret, timestamp, body):
    mac = hmac.new(secret.encode(), f"v0:{timestamp}:".encode() + body, hashlib.sha256)
    return "v0=" + mac.hexdigest()


def click(message_id, action_id):
    """Sends the service the request Slack would send for this click, signed with the sandbox secret."""
    with STATE.cond:
        msg = STATE.message(message_id)
        if msg is None:
            raise LookupError("no such message")
        button, block_id = None, None
        for b in msg["blocks"]:
            if b.get("type") != "actions":
                continue
            for e in b.get("elements", []):
                if e.get("action_id") == action_id:
                    button, block_id = e, b.get("block_id")
        if button is None:
            raise LookupError("that button is no longer on the message")
        token = uuid.uuid4().hex
        STATE.response_urls[token] = {"message": message_id, "uses": 0}
        original = {"type": "message", "subtype": "bot_message", "text": msg["text"], "ts": msg["ts"],
                    "bot_id": "B0SANDBOX", "blocks": msg["blocks"]}
        container = {"type": "message", "message_ts": original["ts"], "channel_id": CHANNEL["id"],
                     "is_ephemeral": False}
        if msg.get("threadTs"):
            # a button on a reply in a thread: Slack names the thread too
            original["thread_ts"] = container["thread_ts"] = msg["threadTs"]
    response_url = f"http://127.0.0.1:{Settings.port}/response/{token}"
    action_ts = slack_ts()
    payload = {
        "type": "block_actions",
        "user": USER,
        "api_app_id": "A0SANDBOX",
        "token": "sandboxverificationtoken",
        "container": container,
        "trigger_id": f"{int(time.time())}.1.{uuid.uuid4().hex}",
        "team": TEAM,
        "enterprise": None,
        "is_enterprise_install": False,
        "channel": CHANNEL,
        "message": original,
        "state": {"values": {}},
        "response_url": response_url,
        "actions": [{"action_id": action_id, "block_id": block_id, "text": button.get("text"),
                     "value": button.get("value"), "style": button.get("style"), "type": "button",
                     "action_ts": action_ts}],
    }
    body = ("payload=" + urllib.parse.quote_plus(json.dumps(payload, separators=(",", ":")))).encode()
    timestamp = str(int(time.time()))
    req = urllib.request.Request(Settings.service_url + Settings.interactions_path, data=body, method="POST",
                                 headers={"Content-Type": "application/x-www-form-urlencoded",
                                          "X-Slack-Request-Timestamp": timestamp,
                                          "X-Slack-Signature": sign(Settings.signing_secret, timestamp, body),
                                          "User-Agent": "Slackbot 1.0 (+https://api.slack.com/robots)"})
    label = (button.get("text") or {}).get("text", action_id)
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            status, text = r.status, r.read().decode(errors="replace")
    except urllib.error.HTTPError as e:
        status, text = e.code, e.read().decode(errors="replace")
    except Exception as e:
        status, text = 0, str(e)
    STATE.log(f"Clicked {label} on event {button.get('value')}: signed block_actions request posted to "
              f"{Settings.interactions_path}; the service answered HTTP {status}"
              + (f" ({text})" if text else ""), eventId=button.get("value"))
    return status, text


app = Flask(__name__, static_folder=None)
logging.getLogger("werkzeug").setLevel(logging.WARNING)


@app.post("/services/<path:rest>")
def webhook(rest):
    if "/services/" + rest != Settings.webhook_path:
        return Response("no_service", status=404, mimetype="text/plain")
    try:
        data = json.loads(request.get_data() or b"{}")
    except ValueError:
        return Response("invalid_payload", status=400, mimetype="text/plain")
    if not isinstance(data, dict) or not (data.get("text") or data.get("blocks")):
        return Response("no_text", status=400, mimetype="text/plain")
    msg = {"id": uuid.uuid4().hex[:12], "ts": slack_ts(), "text": data.get("text", ""),
           "blocks": data.get("blocks") or [], "edited": False, "ephemeral": False}
    msg["eventId"] = event_id_of(msg["blocks"])
    with STATE.cond:
        STATE.messages.append(msg)
    if (msg["eventId"] or "").startswith("group#"):
        STATE.log(f"The service posted one message for a burst of changes (incoming webhook), {msg['eventId']}",
                  eventId=msg["eventId"])
    else:
        STATE.log(f"The service posted a message to the channel (incoming webhook) for event {msg['eventId']}",
                  eventId=msg["eventId"])
    return Response("ok", mimetype="text/plain")


# The Web API, for the bot token: Slack answers HTTP 200 and {"ok": false, "error": ...} to a call it refuses
MAX_BLOCKS = 50
MAX_SECTION_TEXT = 3000


def api_answer(**fields):
    return jsonify(dict({"ok": True}, **fields))


def api_error(error):
    return jsonify({"ok": False, "error": error})


def api_fields():
    """The call's arguments: a JSON body (with Bearer auth) or a form, whose blocks field is JSON, as Slack takes both."""
    if request.mimetype == "application/json":
        data = json.loads(request.get_data() or b"{}")
        if not isinstance(data, dict):
            raise ValueError("not an object")
        return data
    fields = request.form.to_dict()
    for key in ("blocks", "attachments"):
        if isinstance(fields.get(key), str):
            fields[key] = json.loads(fields[key])
    return fields


def api_auth_error(fields):
    header = request.headers.get("Authorization", "")
    token = header[len("Bearer "):].strip() if header.startswith("Bearer ") else fields.get("token")
    if not token:
        return "not_authed"
    return None if hmac.compare_digest(token, Settings.bot_token) else "invalid_auth"


def blocks_error(fields):
    blocks = fields.get("blocks")
    if blocks is None:
        return None
    if not isinstance(blocks, list) or len(blocks) > MAX_BLOCKS:
        return "invalid_blocks"
    for b in blocks:
        if not isinstance(b, dict) or (b.get("type") == "section"
                                       and len(((b.get("text") or {}).get("text")) or "") > MAX_SECTION_TEXT):
            return "invalid_blocks"
    return None


def channel_of(name):
    """The channel ID for what chat.postMessage takes (an ID or a name); chat.update takes only the ID."""
    return CHANNEL["id"] if name in (CHANNEL["id"], CHANNEL["name"], "#" + CHANNEL["name"]) else None


def posted(ts):
    for m in STATE.messages:
        if m["ts"] == ts and not m.get("ephemeral") and not m.get("deleted"):
            return m
    return None


@app.post("/api/<method>")
def web_api(method):
    try:
        fields = api_fields()
    except ValueError:
        return api_error("invalid_json")
    auth = api_auth_error(fields)
    if auth:
        return api_error(auth)
    if method == "auth.test":
        return api_answer(url=f"http://127.0.0.1:{Settings.port}/", team="sgwarden sandbox", user="sgwarden",
                          team_id=TEAM["id"], user_id="U0SGWARDEN", bot_id="B0SANDBOX")
    if method not in ("chat.postMessage", "chat.update", "chat.delete"):
        return api_error("unknown_method")
    if method == "chat.delete":
        if fields.get("channel") != CHANNEL["id"]:
            return api_error("channel_not_found")
        with STATE.cond:
            msg = posted(fields.get("ts") or "")
            if msg is None:
                return api_error("message_not_found")
            msg["deleted"] = True
        STATE.log(f"The service deleted its message about {msg.get('eventId')} (chat.delete)", eventId=msg.get("eventId"))
        return api_answer(channel=CHANNEL["id"], ts=msg["ts"])
    text, blocks = fields.get("text") or "", fields.get("blocks") or []
    if not text and not blocks:
        return api_error("no_text")
    error = blocks_error(fields)
    if error:
        return api_error(error)
    if method == "chat.postMessage":
        channel = channel_of(fields.get("channel", ""))
        if channel is None:
            return api_error("channel_not_found")
        msg = {"id": uuid.uuid4().hex[:12], "text": text, "blocks": blocks, "edited": False, "ephemeral": False}
        msg["eventId"] = event_id_of(blocks)
        with STATE.cond:
            msg["ts"] = slack_ts()
            parent = posted(fields.get("thread_ts") or "") if fields.get("thread_ts") else None
            if parent is not None:
                # a reply to a reply goes into the same thread, under its first message
                msg["threadTs"] = parent.get("threadTs") or parent["ts"]
                msg["eventId"] = msg["eventId"] or parent.get("eventId")
            STATE.messages.append(msg)
        if parent is not None:
            STATE.log(f"The service replied in the thread of the message about {msg['eventId']} (chat.postMessage)",
                      eventId=msg["eventId"])
        elif (msg["eventId"] or "").startswith("group#"):
            STATE.log(f"The service posted one message for a burst of changes (chat.postMessage), {msg['eventId']}",
                      eventId=msg["eventId"])
        else:
            STATE.log(f"The service posted a message to the channel (chat.postMessage) for event {msg['eventId']}",
                      eventId=msg["eventId"])
        return api_answer(channel=channel, ts=msg["ts"], message={"type": "message", "bot_id": "B0SANDBOX",
                                                                   "text": text, "blocks": blocks, "ts": msg["ts"]})
    # chat.update: the channel ID and ts chat.postMessage answered with
    if fields.get("channel") != CHANNEL["id"]:
        return api_error("channel_not_found")
    with STATE.cond:
        msg = posted(fields.get("ts") or "")
        if msg is None:
            return api_error("message_not_found")
        msg["text"], msg["blocks"], msg["edited"] = text, blocks, True
        msg["eventId"] = event_id_of(blocks) or msg.get("eventId")
    STATE.log(f"The service updated its message about {msg.get('eventId')} (chat.update)", eventId=msg.get("eventId"))
    threading.Thread(target=safe_refresh, daemon=True).start()
    return api_answer(channel=CHANNEL["id"], ts=msg["ts"], text=text,
                      message={"type": "message", "bot_id": "B0SANDBOX", "text": text, "blocks": blocks})


@app.post("/response/<token>")
def response_url(token):
    try:
        data = json.loads(request.get_data() or b"{}")
    except ValueError:
        return Response("invalid_payload", status=400, mimetype="text/plain")
    with STATE.cond:
        entry = STATE.response_urls.get(token)
        if entry is None or entry["uses"] >= 5:
            return Response("expired_url", status=404, mimetype="text/plain")
        entry["uses"] += 1
        msg = STATE.message(entry["message"])
        if data.get("delete_original"):
            msg["deleted"] = True
            what = "deleted the message"
        elif data.get("replace_original") is True:
            msg["text"] = data.get("text", "")
            msg["blocks"] = data.get("blocks") or []
            msg["edited"] = True
            what = "replaced the message"
        else:
            ephemeral = data.get("response_type", "ephemeral") != "in_channel"
            STATE.messages.append({"id": uuid.uuid4().hex[:12], "ts": slack_ts(), "text": data.get("text", ""),
                                   "blocks": data.get("blocks") or [], "edited": False, "ephemeral": ephemeral,
                                   "eventId": msg.get("eventId"), "replyTo": msg["id"],
                                   "threadTs": msg.get("threadTs")})
            what = "posted a message only visible to you" if ephemeral else "posted a new message"
    STATE.log(f"The service {what} through response_url (event {msg.get('eventId')})", eventId=msg.get("eventId"))
    threading.Thread(target=safe_refresh, daemon=True).start()
    return Response("ok", mimetype="text/plain")


def safe_refresh():
    try:
        refresh_groups()
    except Exception as e:
        LOG.warning("refresh failed: %s", e)


# ---------------------------------------------------------------------------------------------
# CloudTrail Lake stand-in (AWS JSON 1.1, target CloudTrail_20131101.*)
# ---------------------------------------------------------------------------------------------

def lake_error(kind, message):
    return Response(json.dumps({"__type": kind, "message": message}), status=400,
                    mimetype="application/x-amz-json-1.1")


def lake_answer(obj):
    return Response(json.dumps(obj), mimetype="application/x-amz-json-1.1",
                    headers={"x-amzn-RequestId": str(uuid.uuid4())})


@app.post("/")
def lake():
    target = request.headers.get("X-Amz-Target", "")
    # "CloudTrail_20131101.StartQuery", or with the SDK's namespace in front of it
    if "CloudTrail_20131101." not in target:
        return Response("not found", status=404)
    op = target.rsplit(".", 1)[1]
    req = json.loads(request.get_data() or b"{}")
    if op == "StartQuery":
        sql = req.get("QueryStatement", "")
        m = re.search(r"FROM\s+([A-Za-z0-9-]+)", sql)
        if not m or m.group(1) != Settings.event_data_store.split("/")[-1]:
            return lake_error("EventDataStoreNotFoundException", "The specified event data store was not found.")
        names = re.search(r"eventName\s+IN\s*\(([^)]*)\)", sql)
        names = {n.strip().strip("'") for n in names.group(1).split(",")} if names else None

        def bound(pattern, default):
            b = re.search(pattern, sql)
            return datetime.strptime(b.group(1), "%Y-%m-%d %H:%M:%S").replace(tzinfo=timezone.utc) if b else default

        after = bound(r"eventTime\s*>=\s*'([^']+)'", datetime.min.replace(tzinfo=timezone.utc))
        before = bound(r"eventTime\s*<=\s*'([^']+)'", datetime.max.replace(tzinfo=timezone.utc))
        with STATE.cond:
            rows = [j for (t, n, j) in sorted(LAKE_EVENTS, key=lambda e: e[0])
                    if (names is None or n in names) and after <= t <= before]
        query_id = str(uuid.uuid4())
        LAKE_QUERIES[query_id] = {"rows": rows, "polls": 0}
        return lake_answer({"QueryId": query_id})
    if op in ("GetQueryResults", "DescribeQuery", "CancelQuery"):
        q = LAKE_QUERIES.get(req.get("QueryId", ""))
        if q is None:
            return lake_error("QueryIdNotFoundException", "The query ID does not exist or does not map to a query.")
        if op == "CancelQuery":
            q["cancelled"] = True
            return lake_answer({"QueryId": req["QueryId"], "QueryStatus": "CANCELLED"})
        q["polls"] += 1
        if q["polls"] == 1:  # one poll RUNNING, as the Lake does, so the service's wait loop runs
            return lake_answer({"QueryStatus": "RUNNING"})
        size = int(req.get("MaxQueryResults") or 1000)
        start = int(req.get("NextToken") or 0)
        page = q["rows"][start:start + size]
        out = {"QueryStatus": "FINISHED",
               "QueryStatistics": {"ResultsCount": len(page), "TotalResultsCount": len(q["rows"]),
                                   "BytesScanned": sum(len(r) for r in q["rows"])},
               "QueryResultRows": [[{"eventJson": r}] for r in page]}
        if start + size < len(q["rows"]):
            out["NextToken"] = str(start + size)
        return lake_answer(out)
    return lake_error("UnsupportedOperationException", "not served by the sandbox's Lake stand-in: " + target)


# ---------------------------------------------------------------------------------------------
# The page and its API
# ---------------------------------------------------------------------------------------------

@app.get("/")
def index():
    return send_from_directory(os.path.join(HERE, "static"), "index.html")


@app.get("/static/<path:name>")
def static_file(name):
    return send_from_directory(os.path.join(HERE, "static"), name)


@app.get("/api/health")
def health():
    return jsonify({"ok": True, "serviceReady": STATE.service_ready})


@app.get("/api/state")
def state():
    """Long poll: answers at once if the state is newer than ?since=, else when it changes (or 20 s)."""
    since = request.args.get("since", type=int)
    if since is not None:
        with STATE.cond:
            STATE.cond.wait_for(lambda: STATE.version != since, timeout=20)
    return jsonify(STATE.snapshot())


@app.get("/api/rules/<group_id>")
def rules(group_id):
    """The group's rules read from moto now (not the page's cached view)."""
    acct, _ = find_group(group_id)
    if acct is None:
        return jsonify({"error": "no such group"}), 404
    ec2 = MOTO.ec2(acct["account"], acct["region"])
    out = ec2.describe_security_group_rules(Filters=[{"Name": "group-id", "Values": [group_id]}])[
        "SecurityGroupRules"]
    return jsonify([{"id": r["SecurityGroupRuleId"], "egress": r["IsEgress"], "traffic": describe_rule(r)[0],
                     "peer": describe_rule(r)[1]} for r in out])


def json_only():
    # a page elsewhere cannot send JSON here without a CORS preflight, which this server never grants
    return request.mimetype == "application/json"


@app.get("/api/prefix-list")
def prefix_list():
    """corp-ips as moto holds it now: its ID, version and CIDRs."""
    try:
        _, pl, entries = corp_list()
    except LookupError as e:
        return jsonify({"error": str(e)}), 404
    return jsonify({"prefixListId": pl["PrefixListId"], "version": pl["Version"], "entries": entries})


@app.get("/api/interface")
def interface():
    """app-1's primary interface and its groups, read from moto now."""
    acct = next(a for a in ACCOUNTS if "instance" in a)
    try:
        instance, eni, groups = instance_of(acct)
    except LookupError as e:
        return jsonify({"error": str(e)}), 404
    return jsonify({"instanceId": instance, "interfaceId": eni, "groups": groups})


@app.get("/api/tags/<group_id>")
def group_tags(group_id):
    """The group's tags, read from moto now."""
    acct, _ = find_group(group_id)
    if acct is None:
        return jsonify({"error": f"no seeded group {group_id}"}), 404
    found = MOTO.ec2(acct["account"], acct["region"]).describe_security_groups(GroupIds=[group_id])["SecurityGroups"]
    return jsonify({t["Key"]: t["Value"] for t in found[0].get("Tags", [])})


@app.post("/api/change")
def change():
    if not json_only():
        return jsonify({"error": "JSON only"}), 415
    data = request.get_json(silent=True) or {}
    if data.get("scenario") not in SCENARIOS:
        return jsonify({"error": "unknown change"}), 400
    try:
        if SCENARIOS[data["scenario"]].get("widen"):
            return jsonify(widen_rule(data.get("groupId", "")))
        if SCENARIOS[data["scenario"]].get("apply"):
            return jsonify(terraform_apply())
        if SCENARIOS[data["scenario"]].get("attach"):
            return jsonify(attach_legacy_group())
        if SCENARIOS[data["scenario"]].get("tag"):
            return jsonify(tag_team_platform(data.get("groupId", "")))
        if SCENARIOS[data["scenario"]].get("prefixList"):
            return jsonify(widen_prefix_list())
        if SCENARIOS[data["scenario"]].get("pose"):
            return jsonify(pose_as_sgwarden(data.get("groupId", "")))
        return jsonify(make_change(data["scenario"], data.get("groupId", "")))
    except LookupError as e:
        return jsonify({"error": str(e)}), 404
    except Conflict as e:
        STATE.log(str(e))
        return jsonify({"error": str(e)}), 409
    except ClientError as e:
        err = e.response.get("Error", {})
        message = f"moto refused the change: {err.get('Code')}: {err.get('Message')}"
        if err.get("Code") == "InvalidPermission.Duplicate":
            message = "That rule is already in the group. Deny it first, or pick another group."
        STATE.log(message)
        return jsonify({"error": message}), 409


@app.post("/api/forwarding")
def forwarding_api():
    if not json_only():
        return jsonify({"error": "JSON only"}), 415
    data = request.get_json(silent=True) or {}
    if Settings.intake == "lake":
        return jsonify({"error": "the forwarding is EventBridge's: run the sandbox with the SQS intake"}), 409
    try:
        return jsonify(set_forwarding(data.get("account", ""), bool(data.get("on"))))
    except LookupError as e:
        return jsonify({"error": str(e)}), 404


@app.post("/api/click")
def click_api():
    if not json_only():
        return jsonify({"error": "JSON only"}), 415
    data = request.get_json(silent=True) or {}
    try:
        status, text = click(data.get("messageId", ""), data.get("actionId", ""))
    except LookupError as e:
        return jsonify({"error": str(e)}), 404
    return jsonify({"status": status, "body": text}), (200 if status == 200 else 502)


def main():
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    setup()
    threading.Thread(target=refresher, daemon=True).start()
    threading.Thread(target=heartbeats, daemon=True).start()
    LOG.info("page on http://127.0.0.1:%d/", Settings.port)
    app.run(host="127.0.0.1", port=Settings.port, threaded=True, use_reloader=False)


if __name__ == "__main__":
    main()
