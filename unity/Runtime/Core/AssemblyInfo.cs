using System.Runtime.CompilerServices;

// The optional AWS SDK bridge (unity/Runtime/AwsSdk, the CognitoNative.AwsSdk package) reads the
// credentials cache without allocating and wraps this assembly's credentials object; nothing else does.
[assembly: InternalsVisibleTo("CognitoNative.AwsSdk")]
