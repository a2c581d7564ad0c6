using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;

namespace CognitoNative.Interop
{
    /// <summary>
    /// Owns one native <c>cognito_provider_t</c> and the <see cref="GCHandle"/>s its callbacks receive as
    /// <c>user_data</c>. Asynchronous calls hold a reference (DangerousAddRef) until they complete, so
    /// the provider is freed only when nothing uses it any more; the GCHandles are freed after
    /// <c>cognito_provider_free</c>, after which none of the provider's callbacks runs.
    /// </summary>
    internal sealed class ProviderHandle : SafeHandle
    {
        private readonly List<GCHandle> _callbackTargets = new List<GCHandle>();
        private int _generation;

        /// <summary>An empty handle: pin the callback targets, then <see cref="Attach"/> the provider.</summary>
        internal ProviderHandle()
            : base(IntPtr.Zero, true)
        {
        }

        /// <summary>The runtime generation the provider was created in (see <see cref="CognitoRuntime.Generation"/>).</summary>
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
        /// pointer, until the provider is freed.</summary>
        internal IntPtr Pin(object target)
        {
            var gch = GCHandle.Alloc(target);
            lock (_callbackTargets)
            {
                _callbackTargets.Add(gch);
            }
            return GCHandle.ToIntPtr(gch);
        }

        /// <summary>Takes ownership of a provider just created in runtime generation <paramref name="generation"/>.</summary>
        internal void Attach(IntPtr provider, int generation)
        {
            _generation = generation;
            SetHandle(provider);
        }

        /// <summary>Frees the pinned targets of a handle whose provider could not be created.</summary>
        internal void Abandon()
        {
            UnpinAll();
            SetHandleAsInvalid();
        }

        /// <inheritdoc />
        protected override bool ReleaseHandle()
        {
            // After cognito_shutdown the library has already freed every provider (and a handle from
            // before it is dead even if the library was started again).
            if (_generation == CognitoRuntime.Generation)
            {
                NativeMethods.cognito_provider_free(handle);
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
