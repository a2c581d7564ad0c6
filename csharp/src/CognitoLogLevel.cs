namespace CognitoNative
{
    /// <summary>Severity of a native log line (the numbers the C ABI uses).</summary>
    public enum CognitoLogLevel
    {
        /// <summary>No logging.</summary>
        None = 0,
        /// <summary>Failures.</summary>
        Error = 1,
        /// <summary>Problems the library recovered from (retries, stale identities).</summary>
        Warn = 2,
        /// <summary>Noteworthy events (identity changes, refreshes).</summary>
        Info = 3,
        /// <summary>Details of every request.</summary>
        Debug = 4,
        /// <summary>Everything.</summary>
        Trace = 5,
    }

    /// <summary>Receives the native library's log lines (never containing secrets), on a library thread:
    /// it must be quick and must not block.</summary>
    /// <param name="level">Severity.</param>
    /// <param name="target">Where in the library the line comes from, e.g. <c>cognito_native::provider</c>.</param>
    /// <param name="message">The line.</param>
    public delegate void CognitoLogHandler(CognitoLogLevel level, string target, string message);
}
