using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;

namespace CognitoNative.Interop
{
    /// <summary>
    /// Owns one native object (a provider, a user pool client, a signed-in session, a challenge) and the
    /// <see cref="GCHandle"/>s its callbacks receive as <c>user_data</c>. Asynchronous calls hold a
    /// reference (DangerousAddRef) until they complete, so the object is freed only when nothing uses
    /// it any more; the GCHandles are freed after the native <c>_free</c>, after which none of the
    /// object's callbacks runs. A handle from before a <c>cognito_shutdown</c> is dead: it is not freed
    /// again (the shutdown freed everything).
    /// </summary>
    internal abstract class NativeHandle : SafeHandle
    {
        private readonly List<GCHandle> _callbackTargets = new List<GCHandle>();
        private int _generation;

        /// <summary>An empty handle: pin the callback targets, then <see cref="Attach"/> the object.</summary>
        protected NativeHandle()
            : base(IntPtr.Zero, true)
        {
        }

        /// <summary>The runtime generation the object was created in (see <see cref="CognitoRuntime.Generation"/>).</summary>
        internal int Generation
        {
            get { return _generation; }
        }

        /// <inheritdoc />
        public override bool IsInvalid
        {
            get { return handle == IntPtr.Zero; }
        }

        /// <summary>Keeps <paramref name="target"/> alive, and reachable from native code through the returned
        /// pointer, until the object is freed.</summary>
        internal IntPtr Pin(object target)
        {
            var gch = GCHandle.Alloc(target);
            lock (_callbackTargets)
            {
                _callbackTargets.Add(gch);
            }
            return GCHandle.ToIntPtr(gch);
        }

        /// <summary>Takes ownership of a native object just created (or handed to a callback) in runtime
        /// generation <paramref name="generation"/>.</summary>
        internal void Attach(IntPtr native, int generation)
        {
            _generation = generation;
            SetHandle(native);
        }

        /// <summary>References the object (DangerousAddRef) for a call, which releases it (DangerousRelease).</summary>
        /// <exception cref="ObjectDisposedException">The handle is freed, or from before a runtime shutdown.</exception>
        internal void Acquire(string owner)
        {
            var added = false;
            try
            {
                DangerousAddRef(ref added);
            }
            catch (ObjectDisposedException)
            {
            }
            if (!added)
            {
                throw new ObjectDisposedException(owner);
            }
            if (_generation != CognitoRuntime.Generation)
            {
                DangerousRelease();
                throw new ObjectDisposedException(
                    owner, "The native runtime was shut down (CognitoRuntime.Shutdown, or process exit / AppDomain unload); create a new object.");
            }
        }

        /// <summary>Frees the pinned targets of a handle whose object could not be created.</summary>
        internal void Abandon()
        {
            UnpinAll();
            SetHandleAsInvalid();
        }

        /// <summary>The native <c>_free</c> of the object.</summary>
        protected abstract void Free(IntPtr native);

        /// <inheritdoc />
        protected sealed override bool ReleaseHandle()
        {
            // After cognito_shutdown the library has already freed every object (and a handle from
            // before it is dead even if the library was started again).
            if (_generation == CognitoRuntime.Generation)
            {
                Free(handle);
            }
            UnpinAll();
            return true;
        }

        private void UnpinAll()
        {
            lock (_callbackTargets)
            {
                foreach (var gch in _callbackTargets)
                {
                    gch.Free();
                }
                _callbackTargets.Clear();
            }
        }
    }
}
