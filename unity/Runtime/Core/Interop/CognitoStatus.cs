namespace CognitoNative.Interop
{
    /// <summary>
    /// <c>cognito_status_t</c>: what every native function returns and every completion callback is
    /// handed. The one C# copy of the header's <c>enum cognito_status</c>: each member is a
    /// <c>COGNITO_STATUS_*</c> name in PascalCase (<c>COGNITO_STATUS_ERR_NOT_FOUND</c> is
    /// <see cref="ErrNotFound"/>) with its number; a test checks both ways against
    /// <c>include/cognito_native.h</c>.
    /// </summary>
    internal enum CognitoStatus
    {
        Ok = 0,
        ErrNullArgument = 1,
        ErrInvalidUtf8 = 2,
        ErrInvalidArgument = 3,
        ErrInvalidHandle = 4,
        ErrNotFound = 5,
        ErrCancelled = 6,
        ErrShutDown = 7,
        ErrPanic = 8,
        ErrFailed = 9,
        ErrWrongThread = 10,
    }
}
