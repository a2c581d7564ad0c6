"""Sets up a user pool for the user-pool client tests in a running moto server: an app client
without a secret and one with (SECRET_HASH), a confirmed user, a user an admin created (first
sign-in asks for a new password), and an identity pool that trusts the pool. Prints JSON.

Usage: python setup_user_pool.py http://127.0.0.1:PORT
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

pool_id = idp.create_user_pool(PoolName="players", AutoVerifiedAttributes=["email"])["UserPool"]["Id"]
flows = ["ALLOW_USER_SRP_AUTH", "ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]
client = idp.create_user_pool_client(UserPoolId=pool_id, ClientName="game", ExplicitAuthFlows=flows)
secret_client = idp.create_user_pool_client(
    UserPoolId=pool_id, ClientName="server", ExplicitAuthFlows=flows, GenerateSecret=True
)["UserPoolClient"]
confirmed, password = "player-one", "Correct-Horse-9!"
idp.admin_create_user(UserPoolId=pool_id, Username=confirmed, TemporaryPassword="Temp-Pass-1!")
idp.admin_set_user_password(UserPoolId=pool_id, Username=confirmed, Password=password, Permanent=True)
fresh = "player-two"
idp.admin_create_user(
    UserPoolId=pool_id,
    Username=fresh,
    TemporaryPassword="Temp-Pass-2!",
    UserAttributes=[{"Name": "email", "Value": "two@example.com"}],
)
provider_name = f"cognito-idp.{region}.amazonaws.com/{pool_id}"
identity_pool = identity.create_identity_pool(
    IdentityPoolName="game_players",
    AllowUnauthenticatedIdentities=False,
    CognitoIdentityProviders=[
        {"ProviderName": provider_name, "ClientId": client["UserPoolClient"]["ClientId"]}
    ],
)
print(
    json.dumps(
        {
            "user_pool_id": pool_id,
            "client_id": client["UserPoolClient"]["ClientId"],
            "secret_client_id": secret_client["ClientId"],
            "client_secret": secret_client["ClientSecret"],
            "confirmed": confirmed,
            "password": password,
            "fresh": fresh,
            "temporary_password": "Temp-Pass-2!",
            "identity_pool_id": identity_pool["IdentityPoolId"],
        }
    )
)
