"""Adds to a user pool set up by tests/moto/setup_user_pool.py (in a running moto server) a confirmed
user with SMS MFA on, for the C# tests of the MFA challenge. Prints JSON.

Usage: python mfa_user.py http://127.0.0.1:PORT USER_POOL_ID
"""
import json
import sys

import boto3

endpoint, pool_id = sys.argv[1], sys.argv[2]
session = boto3.session.Session(
    aws_access_key_id="testing", aws_secret_access_key="testing", region_name="us-east-1"
)
idp = session.client("cognito-idp", endpoint_url=endpoint)
user, password = "player-mfa", "Mfa-Player-Pass-6!"
idp.admin_create_user(
    UserPoolId=pool_id,
    Username=user,
    TemporaryPassword="Temp-Pass-3!",
    UserAttributes=[{"Name": "phone_number", "Value": "+15555550100"}],
)
idp.admin_set_user_password(UserPoolId=pool_id, Username=user, Password=password, Permanent=True)
idp.admin_set_user_mfa_preference(
    UserPoolId=pool_id, Username=user, SMSMfaSettings={"Enabled": True, "PreferredMfa": True}
)
print(json.dumps({"mfa_user": user, "mfa_password": password}))
