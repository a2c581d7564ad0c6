using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using System.Threading.Tasks;

namespace CognitoNative.Interop
{
    /// <summary>
    /// The asynchronous native calls in flight of one public object (a <see cref="CognitoAWSCredentials"/>,
    /// a <see cref="CognitoUser"/>...): starts them, and ends them as cancelled when the object is
    /// disposed (<see cref="Close"/>).
    /// </summary>
    internal sealed class CallSet
    {
        private readonly HashSet<PendingCall> _pending = new HashSet<PendingCall>();
        private volatile bool _closed;

        /// <summary>Whether the owner was disposed: no call starts any more.</summary>
        internal bool IsClosed
        {
            get { return _closed; }
        }

        /// <summary>A pending call is over.</summary>
        internal void Forget(PendingCall call)
        {
            lock (_pending)
            {
                _pending.Remove(call);
            }
        }

        /// <summary>Refuses new calls and returns those in flight (to cancel), or null if already closed.</summary>
        internal PendingCall[] Close()
        {
            lock (_pending)
            {
                if (_closed)
                {
                    return null;
                }
                _closed = true;
                var pending = new PendingCall[_pending.Count];
                _pending.CopyTo(pending);
                return pending;
            }
        }

        /// <summary>Closes the set and asks the library to cancel the calls in flight; false if it was closed already.</summary>
        internal bool CloseAndCancel()
        {
            var pending = Close();
            if (pending == null)
            {
                return false;
            }
            foreach (var call in pending)
            {
                call.CancelNative();
            }
            return true;
        }

        /// <summary>
        /// Starts <paramref name="call"/>, whose handle the caller has referenced (DangerousAddRef; the call
        /// releases it when it completes, or here when it cannot start). A start the library refuses
        /// gives a faulted task (its callback will never run); a closed set throws
        /// <paramref name="disposed"/>'s exception.
        /// </summary>
        internal Task<T> Start<T>(PendingCall<T> call, Func<Exception> disposed, string function)
        {
            lock (_pending)
            {
                if (_closed)
                {
                    call.Handle.DangerousRelease();
                    throw disposed();
                }
                _pending.Add(call);
            }
            var userData = GCHandle.Alloc(call);
            CognitoStatus status;
            ulong callId;
            try
            {
                status = call.StartNative(GCHandle.ToIntPtr(userData), out callId);
            }
            catch
            {
                userData.Free();
                call.Abandon();
                throw;
            }
            if (status != CognitoStatus.Ok)
            {
                // The callback will never run: undo everything here.
                var error = Errors.ForStatus(status, function);
                userData.Free();
                call.Abandon();
                return Task.FromException<T>(error);
            }
            call.OnStarted(callId, call.Handle.Generation);
            if (_closed)
            {
                call.CancelNative(); // closed before the call id was known
            }
            return call.Task;
        }
    }
}
