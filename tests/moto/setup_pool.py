"""Sets up a user pool, a user and an identity pool in a running moto server, signs the user in
with USER_PASSWORD_AUTH, and prints what the end-to-end test needs as JSON.

Usage: python setup_pool.py http://127.0.0.1:PORT
"""
import json
import sys

import boto3

endpoint = sys.argv[1]
region = "us-east-1"
session = boto3.session.Session(
    aws_access_key_id="testing", aws_secret_access_key="testing", region_name=region
)
idp = session.client("cognito-idp", endpoint_url=endpoint)
identity = session.client("cognito-identity", endpoint_url=endpoint)

user_pool_id = idp.create_user_pool(PoolName="players")["UserPool"]["Id"]
client_id = idp.create_user_pool_client(
    UserPoolId=user_pool_id,
    ClientName="game",
    ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
)["UserPoolClient"]["ClientId"]
username, password = "player-one", "Correct-Horse-9!"
idp.admin_create_user(UserPoolId=user_pool_id, Username=username, TemporaryPassword="Temp-Pass-1!")
idp.admin_set_user_password(
    UserPoolId=user_pool_id, Username=username, Password=password, Permanent=True
)
auth = idp.initiate_auth(
    ClientId=client_id,
    AuthFlow="USER_PASSWORD_AUTH",
    AuthParameters={"USERNAME": username, "PASSWORD": password},
)
provider_name = f"cognito-idp.{region}.amazonaws.com/{user_pool_id}"
pool = identity.create_identity_pool(
    IdentityPoolName="game_players",
    AllowUnauthenticatedIdentities=True,
    CognitoIdentityProviders=[{"ProviderName": provider_name, "ClientId": client_id}],
)
print(
    json.dumps(
        {
            "identity_pool_id": pool["IdentityPoolId"],
            "user_pool_id": user_pool_id,
            "provider_name": provider_name,
            "id_token": auth["AuthenticationResult"]["IdToken"],
        }
    )
)
