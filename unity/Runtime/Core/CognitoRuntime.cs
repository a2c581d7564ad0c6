using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using System.Threading;
using AOT;
using CognitoNative.Interop;

namespace CognitoNative
{
    /// <summary>
    /// The process-wide native runtime: started on first use, shut down on process exit and AppDomain
    /// unload (so Mono can exit and the Unity Editor can reload scripts), restarted on use after a
    /// shutdown. Also holds the main-thread <see cref="SynchronizationContext"/> and the log handler.
    /// </summary>
    public static class CognitoRuntime
    {
        private const int Stopped = 0;
        private const int Running = 1;

        private static readonly object Gate = new object();
        private static readonly NativeMethods.LogCallback LogCallback = OnLog;
        private static int _state;
        private static int _generation;
        private static bool _exitHooksInstalled;
        private static uint _workerThreads;
        private static CognitoLogHandler _logHandler;
        private static CognitoLogLevel _logLevel;
        private static SynchronizationContext _mainThreadContext;

        /// <summary>Objects whose <c>user_data</c> the library may use until it shuts down (a user pool's
        /// session store), by the generation that has them.</summary>
        private static readonly List<KeyValuePair<int, GCHandle>> Pins = new List<KeyValuePair<int, GCHandle>>();

        [ThreadStatic]
        private static bool _onLibraryThread;

        /// <summary>The native library's version, e.g. <c>0.1.0</c>.</summary>
        public static string Version
        {
            get { return Utf8.FromNative(NativeMethods.cognito_version()); }
        }

        /// <summary>Worker threads of the native runtime (0, the default, means 2). Takes effect when the
        /// runtime (re)starts.</summary>
        public static uint WorkerThreads
        {
            get { return _workerThreads; }
            set { _workerThreads = value; }
        }

        /// <summary>
        /// The game's or UI's main-thread context. Callbacks of the Unity-style API with
        /// <see cref="AsyncOptions.ExecuteCallbackOnMainThread"/> go here when the call was made on a
        /// thread without a context of its own. The Unity package sets it at start-up.
        /// </summary>
        public static SynchronizationContext MainThreadContext
        {
            get { return Volatile.Read(ref _mainThreadContext); }
            set { Volatile.Write(ref _mainThreadContext, value); }
        }

        /// <summary>Whether the native runtime is running (it starts on first use).</summary>
        public static bool IsRunning
        {
            get { return Volatile.Read(ref _state) == Running; }
        }

        /// <summary>Counts shutdowns: native handles from an earlier generation are dead.</summary>
        internal static int Generation
        {
            get { return Volatile.Read(ref _generation); }
        }

        /// <summary>Whether the current thread is one of the native library's (inside a callback).</summary>
        internal static bool OnLibraryThread
        {
            get { return _onLibraryThread; }
        }

        /// <summary>
        /// A snapshot of what the native library has done in this process: requests by operation and
        /// outcome, retries, throttles, waits for a quota slot, cached reads, credentials fetches, and
        /// the requests in flight and queued now (see <see cref="CognitoStatistics"/>). Cheap (the
        /// library keeps atomic counters); callable from any thread, also before the runtime starts.
        /// </summary>
        public static CognitoStatistics GetStatistics()
        {
            IntPtr json;
            Errors.Check(NativeMethods.cognito_statistics_json(out json), "cognito_statistics_json");
            return CognitoStatistics.Parse(Utf8.TakeNative(json));
        }

        /// <summary>
        /// Sends the native library's log lines at <paramref name="level"/> and above to
        /// <paramref name="handler"/> (null removes it). The handler runs on library threads.
        /// </summary>
        public static void SetLogHandler(CognitoLogLevel level, CognitoLogHandler handler)
        {
            lock (Gate)
            {
                _logHandler = handler;
                _logLevel = handler == null ? CognitoLogLevel.None : level;
                if (_state == Running)
                {
                    ApplyLogSink();
                }
            }
        }

        /// <summary>
        /// Completes every pending call (as cancelled), frees every native provider and stops the native
        /// threads. Called automatically on process exit and AppDomain unload; safe to call more than
        /// once. Objects created before stay unusable (<see cref="ObjectDisposedException"/>); new ones
        /// restart the runtime. Not allowed from inside a library callback.
        /// </summary>
        public static void Shutdown()
        {
            if (_onLibraryThread)
            {
                throw new InvalidOperationException(
                    "CognitoRuntime.Shutdown cannot run on a native library thread (inside a callback).");
            }
            lock (Gate)
            {
                if (_state != Running)
                {
                    return;
                }
                // Refused (WRONG_THREAD) on a library thread the package did not mark, e.g. in an
                // identity store's Save: then nothing changes.
                Errors.Check(NativeMethods.cognito_shutdown(), "cognito_shutdown");
                _state = Stopped;
                Interlocked.Increment(ref _generation);
                FreePins();
            }
        }

        /// <summary>A <c>user_data</c> for <paramref name="target"/> that stays valid until the native runtime of
        /// <paramref name="generation"/> shuts down (<see cref="Unpin"/> if the call that takes it fails).</summary>
        internal static IntPtr PinUntilShutdown(object target, int generation)
        {
            lock (Gate)
            {
                var handle = GCHandle.Alloc(target);
                Pins.Add(new KeyValuePair<int, GCHandle>(generation, handle));
                return GCHandle.ToIntPtr(handle);
            }
        }

        /// <summary>Frees a pin the library never took.</summary>
        internal static void Unpin(IntPtr userData)
        {
            lock (Gate)
            {
                var index = Pins.FindIndex(p => GCHandle.ToIntPtr(p.Value) == userData);
                if (index >= 0)
                {
                    Pins[index].Value.Free();
                    Pins.RemoveAt(index);
                }
            }
        }

        /// <summary>Frees the pins of the generations that ended. Under <see cref="Gate"/>.</summary>
        private static void FreePins()
        {
            Pins.RemoveAll(p =>
            {
                if (p.Key >= _generation)
                {
                    return false;
                }
                p.Value.Free();
                return true;
            });
        }

        /// <summary>Starts the native runtime if needed; returns the current generation.</summary>
        internal static int EnsureRunning()
        {
            if (Volatile.Read(ref _state) == Running)
            {
                return Generation;
            }
            lock (Gate)
            {
                if (_state != Running)
                {
                    InstallExitHooks();
                    Errors.Check(NativeMethods.cognito_init(_workerThreads, -1), "cognito_init");
                    ApplyLogSink(); // cognito_shutdown removed the previous sink
                    _state = Running;
                }
                return _generation;
            }
        }

        /// <summary>
        /// The native library reported it is shut down although this AppDomain did not shut it down:
        /// another AppDomain of the process did (it is process-wide). Forget the providers of
        /// <paramref name="generation"/> so that the next use starts it again.
        /// </summary>
        internal static void OnShutDownElsewhere(int generation)
        {
            lock (Gate)
            {
                if (_state == Running && _generation == generation)
                {
                    _state = Stopped;
                    Interlocked.Increment(ref _generation);
                    FreePins();
                }
            }
        }

        /// <summary>Marks the current thread as a library thread: called first by the callbacks that only
        /// ever run on one (completions, identity changes, token requests).</summary>
        internal static void EnterCallback()
        {
            _onLibraryThread = true;
        }

        /// <summary>Reports an exception that must not cross back into native code.</summary>
        internal static void ReportCallbackException(string where, Exception e)
        {
            try
            {
                var handler = _logHandler;
                if (handler != null)
                {
                    handler(CognitoLogLevel.Error, "CognitoNative", where + ": " + e);
                }
                else
                {
                    System.Diagnostics.Trace.TraceError("CognitoNative: {0}: {1}", where, e);
                }
            }
            catch
            {
                // Nothing left to report to; never let it reach the native caller.
            }
        }

        private static void ApplyLogSink()
        {
            var status = _logHandler == null
                ? NativeMethods.cognito_set_log_sink(null, IntPtr.Zero, 0)
                : NativeMethods.cognito_set_log_sink(LogCallback, IntPtr.Zero, (int)_logLevel);
            Errors.Check(status, "cognito_set_log_sink");
        }

        private static void InstallExitHooks()
        {
            if (_exitHooksInstalled)
            {
                return;
            }
            _exitHooksInstalled = true;
            // Without a shutdown, Mono waits forever at exit for the native threads it has seen, and a
            // Unity Editor script reload would leave them calling into an unloaded domain.
            AppDomain.CurrentDomain.ProcessExit += OnExit;
            AppDomain.CurrentDomain.DomainUnload += OnExit;
        }

        private static void OnExit(object sender, EventArgs e)
        {
            try
            {
                Shutdown();
            }
            catch (Exception ex)
            {
                ReportCallbackException("shutdown at exit", ex);
            }
        }

        [MonoPInvokeCallback(typeof(NativeMethods.LogCallback))]
        private static void OnLog(IntPtr userData, int level, IntPtr target, IntPtr message)
        {
            // Not EnterCallback: lines are also logged on the threads calling into the library.
            try
            {
                var handler = _logHandler;
                if (handler != null)
                {
                    handler((CognitoLogLevel)level, Utf8.FromNative(target), Utf8.FromNative(message));
                }
            }
            catch (Exception e)
            {
                System.Diagnostics.Trace.TraceError("CognitoNative: the log handler failed: {0}", e);
            }
        }
    }
}
