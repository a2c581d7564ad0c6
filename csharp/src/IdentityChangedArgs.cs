using System;

namespace CognitoNative
{
    /// <summary>The identity id of a <see cref="CognitoAWSCredentials"/> changed.</summary>
    public class IdentityChangedArgs : EventArgs
    {
        /// <summary>Creates the arguments.</summary>
        public IdentityChangedArgs(string oldIdentityId, string newIdentityId)
        {
            OldIdentityId = oldIdentityId;
            NewIdentityId = newIdentityId;
        }

        /// <summary>The previous identity id; null when there was none.</summary>
        public string OldIdentityId { get; private set; }

        /// <summary>The new identity id.</summary>
        public string NewIdentityId { get; private set; }
    }
}
