using System;
using System.Runtime.InteropServices;
using System.Threading;
using System.Threading.Tasks;

namespace CognitoNative.Interop
{
    /// <summary>
    /// One asynchronous native call in flight. Its <see cref="GCHandle"/> is the call's <c>user_data</c>;
    /// the native completion (exactly once, on a library thread) frees it, releases the reference the
    /// call holds on the native object it runs on, and completes the task. Continuations never run on
    /// the library thread (<see cref="TaskCreationOptions.RunContinuationsAsynchronously"/>).
    /// </summary>
    internal abstract class PendingCall
    {
        private const int Starting = 0;
        private const int Started = 1;
        private const int Completed = 2;

        private static readonly Action<object> CancelCallback = state => ((PendingCall)state).CancelNative();

        private readonly CancellationToken _cancellationToken;
        private CancellationTokenRegistration _registration;
        private int _state;
        private int _finished;
        private ulong _callId;
        private int _generation;

        protected PendingCall(CallSet owner, NativeHandle handle, CancellationToken cancellationToken)
        {
            Owner = owner;
            Handle = handle;
            _cancellationToken = cancellationToken;
        }

        /// <summary>The calls of the public object that made this one.</summary>
        internal CallSet Owner { get; private set; }

        /// <summary>The native object the call runs on, referenced (DangerousAddRef) until the call completes.</summary>
        internal NativeHandle Handle { get; private set; }

        /// <summary>Starts the native call; returns its status.</summary>
        internal abstract CognitoStatus StartNative(IntPtr userData, out ulong callId);

        /// <summary>Ends a call whose start failed: nothing will complete it.</summary>
        internal void Abandon()
        {
            Finish();
        }

        /// <summary>Records the native call id and hooks up cancellation.</summary>
        internal void OnStarted(ulong callId, int generation)
        {
            _callId = callId;
            _generation = generation;
            if (_cancellationToken.CanBeCanceled)
            {
                // Runs CancelNative at once if already cancelled: fine, the call id is known.
                _registration = _cancellationToken.Register(CancelCallback, this);
            }
            if (Interlocked.CompareExchange(ref _state, Started, Starting) == Completed)
            {
                _registration.Dispose(); // completed meanwhile
            }
        }

        /// <summary>Asks the library to complete the call as cancelled (it does so on a library thread).</summary>
        internal void CancelNative()
        {
            // A call from before a shutdown was completed by it: nothing to cancel.
            if (Volatile.Read(ref _state) != Completed && _generation == CognitoRuntime.Generation)
            {
                NativeMethods.cognito_cancel(_callId); // NOT_FOUND if it just completed: fine
            }
        }

        /// <summary>Completes the call with an unexpected managed failure (a bug, or out of memory), so
        /// that its task never hangs.</summary>
        internal abstract void FailUnexpected(Exception e);

        /// <summary>Everything but the result; runs once, first thing in the completion.</summary>
        protected void Finish()
        {
            if (Interlocked.Exchange(ref _finished, 1) == 1)
            {
                return;
            }
            if (Interlocked.Exchange(ref _state, Completed) == Started)
            {
                _registration.Dispose();
            }
            Owner.Forget(this);
            Handle.DangerousRelease();
        }

        protected bool CancelledByCaller
        {
            get { return _cancellationToken.IsCancellationRequested; }
        }

        protected CancellationToken CancellationToken
        {
            get { return _cancellationToken; }
        }

        /// <summary>The call object behind a <c>user_data</c>, whose GCHandle is freed: the completion happens once.</summary>
        protected static T Take<T>(IntPtr userData) where T : class
        {
            var gch = GCHandle.FromIntPtr(userData);
            var call = (T)gch.Target;
            gch.Free();
            return call;
        }
    }

    /// <summary>A pending call with a typed result.</summary>
    internal abstract class PendingCall<T> : PendingCall
    {
        private readonly TaskCompletionSource<T> _tcs =
            new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);

        protected PendingCall(CallSet owner, NativeHandle handle, CancellationToken cancellationToken)
            : base(owner, handle, cancellationToken)
        {
        }

        internal Task<T> Task
        {
            get { return _tcs.Task; }
        }

        internal override void FailUnexpected(Exception e)
        {
            Finish();
            _tcs.TrySetException(e);
        }

        protected void Succeed(T result)
        {
            Finish();
            _tcs.TrySetResult(result);
        }

        protected void Fail(CognitoStatus status, Exception error)
        {
            Finish();
            if (status == CognitoStatus.ErrCancelled)
            {
                // Cancelled by the caller's token, or by Dispose / runtime shutdown.
                if (CancelledByCaller)
                {
                    _tcs.TrySetCanceled(CancellationToken);
                }
                else
                {
                    _tcs.TrySetCanceled();
                }
            }
            else
            {
                _tcs.TrySetException(error);
            }
        }
    }
}
