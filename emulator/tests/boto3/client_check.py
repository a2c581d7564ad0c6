"""An independent client for the emulator: boto3/botocore (from target/moto-venv) gets
Cognito credentials from the emulator and uses them against its S3 endpoint and its
generic JSON endpoint. Run by emulator/tests/boto3.rs; prints one JSON line with what
it saw, exits non-zero (with the reason on stderr) when anything differs.

usage: client_check.py <endpoint url> <identity pool id> <region> [<CA PEM file>]
"""

import json
import sys
import urllib.error
import urllib.request
import ssl

import boto3
import botocore
from botocore.config import Config
from botocore.exceptions import ClientError


def check(cond, what):
    if not cond:
        print(f"FAILED: {what}", file=sys.stderr)
        sys.exit(1)


def error_code(call):
    try:
        call()
    except ClientError as e:
        return e.response["Error"]["Code"]
    return None


def fetch(request, context):
    """urllib's answer body, or a failure with S3's error document."""
    try:
        with urllib.request.urlopen(request, context=context) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def main():
    url, pool_id, region = sys.argv[1:4]
    ca = sys.argv[4] if len(sys.argv) > 4 else None
    verify = ca if ca else None
    config = Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1})
    out = {"botocore": botocore.__version__, "boto3": boto3.__version__}

    # Credentials from the emulator, through boto3's own Cognito client.
    cognito = boto3.client("cognito-identity", endpoint_url=url, region_name=region,
                           verify=verify, config=config)
    identity_id = cognito.get_id(IdentityPoolId=pool_id)["IdentityId"]
    creds = cognito.get_credentials_for_identity(IdentityId=identity_id)["Credentials"]
    out["identity_id"] = identity_id
    session = boto3.Session(
        aws_access_key_id=creds["AccessKeyId"],
        aws_secret_access_key=creds["SecretKey"],
        aws_session_token=creds["SessionToken"],
        region_name=region,
    )

    # S3: what botocore sends for each PutObject (payload hash, encoding), to report.
    s3 = session.client("s3", endpoint_url=url, verify=verify, config=config)
    sent = []

    def text(v):
        return v.decode() if isinstance(v, bytes) else v

    def record(request, **_):
        sent.append({
            "x-amz-content-sha256": text(request.headers.get("x-amz-content-sha256")),
            "content-encoding": text(request.headers.get("Content-Encoding")),
            "checksum": sorted(k.lower() for k in request.headers.keys()
                               if k.lower().startswith("x-amz-checksum-")),
        })

    s3.meta.events.register("before-send.s3.PutObject", record)
    bucket = "boto3-bucket"
    s3.create_bucket(Bucket=bucket)
    body = b"hello from boto3"
    key = "dir/hello world+1 caf\u00e9.txt"
    put = s3.put_object(Bucket=bucket, Key=key, Body=body, ContentType="text/plain",
                        Metadata={"player": "alice"})
    out["put_etag"] = put["ETag"]
    got = s3.get_object(Bucket=bucket, Key=key)
    check(got["Body"].read() == body, "GetObject body")
    check(got["ContentType"] == "text/plain", f"ContentType {got['ContentType']}")
    check(got["Metadata"] == {"player": "alice"}, f"Metadata {got['Metadata']}")
    check(got["ETag"] == put["ETag"], "ETag")
    head = s3.head_object(Bucket=bucket, Key=key)
    check(head["ContentLength"] == len(body), f"HeadObject length {head['ContentLength']}")
    ranged = s3.get_object(Bucket=bucket, Key=key, Range="bytes=0-4")
    check(ranged["Body"].read() == b"hello", "ranged GetObject")

    for i in range(3):
        s3.put_object(Bucket=bucket, Key=f"page/{i}", Body=str(i).encode())
    listed = s3.list_objects_v2(Bucket=bucket, Prefix="dir/")
    check([o["Key"] for o in listed["Contents"]] == [key], f"ListObjectsV2 {listed.get('Contents')}")
    pages = s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix="page/",
                                                          PaginationConfig={"PageSize": 1})
    paged = [o["Key"] for p in pages for o in p.get("Contents", [])]
    check(paged == ["page/0", "page/1", "page/2"], f"paginated {paged}")
    folders = s3.list_objects_v2(Bucket=bucket, Delimiter="/")
    check([p["Prefix"] for p in folders["CommonPrefixes"]] == ["dir/", "page/"],
          f"CommonPrefixes {folders.get('CommonPrefixes')}")
    out["listed"] = paged

    # Presigned GET and PUT, fetched with plain urllib (no SDK on that side).
    # botocore presigns with Signature Version 2 in us-east-1 unless told s3v4:
    # the emulator refuses that as S3 does for SigV4-only buckets.
    context = ssl.create_default_context(cafile=ca) if ca else None
    v2_url = s3.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": key},
                                       ExpiresIn=300)
    status, answer = fetch(v2_url, context)
    out["sigv2_presigned"] = [status, v2_url.split("?")[1].split("=")[0]]
    if "X-Amz-Signature" not in v2_url:
        check(status == 400 and b"<Code>InvalidRequest</Code>" in answer,
              f"SigV2 presigned URL: {status} {answer}")
    s3 = session.client("s3", endpoint_url=url, verify=verify,
                        config=config.merge(Config(signature_version="s3v4")))
    get_url = s3.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": key},
                                        ExpiresIn=300)
    status, got_body = fetch(get_url, context)
    check((status, got_body) == (200, body), f"presigned GET {get_url}: {status} {got_body}")
    put_url = s3.generate_presigned_url("put_object",
                                        Params={"Bucket": bucket, "Key": "presigned.bin"},
                                        ExpiresIn=300)
    req = urllib.request.Request(put_url, data=b"via presigned PUT", method="PUT")
    status, answer = fetch(req, context)
    check(status == 200, f"presigned PUT {put_url}: {status} {answer}")
    check("X-Amz-Signature=" in get_url, f"not SigV4: {get_url}")
    check(s3.get_object(Bucket=bucket, Key="presigned.bin")["Body"].read() == b"via presigned PUT",
          "presigned PUT stored")
    tampered = get_url.replace("hello", "HELLO")
    status, answer = fetch(tampered, context)
    check(status == 403 and b"<Code>SignatureDoesNotMatch</Code>" in answer,
          f"tampered presigned URL: {status} {answer}")

    # s3transfer (upload_fileobj / download_fileobj, what `aws s3 cp` uses): 9 MB goes
    # up as a multipart upload (8 MB parts, concurrently) and comes down in ranges.
    import io
    import random
    big = random.Random(7).randbytes(9 * 1024 * 1024)
    s3.upload_fileobj(io.BytesIO(big), bucket, "big/nine.bin")
    big_head = s3.head_object(Bucket=bucket, Key="big/nine.bin")
    check(big_head["ContentLength"] == len(big), f"multipart size {big_head['ContentLength']}")
    check(big_head["ETag"].endswith('-2"'), f"multipart ETag {big_head['ETag']}")
    down = io.BytesIO()
    s3.download_fileobj(bucket, "big/nine.bin", down)
    check(down.getvalue() == big, "multipart download differs")
    out["multipart_etag"] = big_head["ETag"]

    s3.delete_object(Bucket=bucket, Key=key)
    out["after_delete"] = error_code(lambda: s3.get_object(Bucket=bucket, Key=key))
    check(out["after_delete"] == "NoSuchKey", f"after delete {out['after_delete']}")
    wrong = boto3.Session(aws_access_key_id=creds["AccessKeyId"],
                          aws_secret_access_key="not-the-secret",
                          aws_session_token=creds["SessionToken"], region_name=region)
    ws3 = wrong.client("s3", endpoint_url=url, verify=verify, config=config)
    out["wrong_secret"] = error_code(lambda: ws3.get_object(Bucket=bucket, Key="page/0"))
    check(out["wrong_secret"] == "SignatureDoesNotMatch", f"wrong secret: {out['wrong_secret']}")
    out["put_requests"] = sent

    # A JSON-protocol call: DynamoDB PutItem, echoed (botocore parses only PutItem's
    # output members, so the raw answer is read from the after-call event).
    ddb = session.client("dynamodb", endpoint_url=url, verify=verify, config=config)
    raw = []
    ddb.meta.events.register("after-call.dynamodb.PutItem",
                             lambda http_response, **_: raw.append(http_response.content))
    ddb.put_item(TableName="Scores", Item={"player": {"S": "alice"}, "score": {"N": "42"}})
    echo = json.loads(raw[0])
    check(echo["Target"] == "DynamoDB_20120810.PutItem", f"Target {echo}")
    check(echo["Service"] == "dynamodb" and echo["Region"] == region, f"scope {echo}")
    check(echo["IdentityId"] == identity_id, f"IdentityId {echo}")
    check(echo["Body"] == {"TableName": "Scores",
                           "Item": {"player": {"S": "alice"}, "score": {"N": "42"}}},
          f"Body {echo}")
    wddb = wrong.client("dynamodb", endpoint_url=url, verify=verify, config=config)
    out["ddb_wrong_secret"] = error_code(lambda: wddb.put_item(TableName="T", Item={}))
    check(out["ddb_wrong_secret"] == "InvalidSignatureException", f"ddb wrong secret {out}")
    out["echo"] = echo
    print(json.dumps(out))


if __name__ == "__main__":
    main()
