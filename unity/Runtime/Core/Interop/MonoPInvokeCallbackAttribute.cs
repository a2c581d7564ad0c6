#if !UNITY_5_3_OR_NEWER
using System;

namespace AOT
{
    /// <summary>
    /// Marks a static method that native code calls through a delegate, so ahead-of-time compilers
    /// (Xamarin.iOS, Unity IL2CPP) generate a native entry point for it. Unity's UnityEngine.dll
    /// defines the same attribute; this copy is compiled only outside Unity. The AOT compilers match
    /// it by name, so either definition works.
    /// </summary>
    [AttributeUsage(AttributeTargets.Method)]
    internal sealed class MonoPInvokeCallbackAttribute : Attribute
    {
        /// <summary>Creates the attribute.</summary>
        /// <param name="delegateType">The delegate type the method is called through.</param>
        public MonoPInvokeCallbackAttribute(Type delegateType)
        {
            DelegateType = delegateType;
        }

        /// <summary>The delegate type the method is called through.</summary>
        public Type DelegateType { get; private set; }
    }
}
#endif
