using System;
using System.Text;

namespace CognitoNative.Interop
{
    /// <summary>
    /// Explicit UTF-8 marshaling. The library speaks UTF-8 only; the CLR's default string marshaling is
    /// UTF-8 on Mono/Linux but the ANSI code page on Windows, so nothing relies on it.
    /// </summary>
    internal static unsafe class Utf8
    {
        private static readonly UTF8Encoding Strict = new UTF8Encoding(false, false);

        /// <summary>A NUL-terminated UTF-8 copy of <paramref name="s"/>, or null for null.</summary>
        internal static byte[] ToNative(string s)
        {
            if (s == null)
            {
                return null;
            }
            if (s.IndexOf('\0') >= 0)
            {
                // C would silently see a shorter string.
                throw new ArgumentException("The string contains a NUL character.");
            }
            var bytes = new byte[Strict.GetByteCount(s) + 1];
            Strict.GetBytes(s, 0, s.Length, bytes, 0);
            return bytes; // the last byte is already 0
        }

        /// <summary>The UTF-8 length of <paramref name="s"/>, without a terminator.</summary>
        internal static int ByteCount(string s)
        {
            return Strict.GetByteCount(s);
        }

        /// <summary>Writes <paramref name="s"/> as UTF-8 at <paramref name="at"/> (the room is there, with one
        /// more byte for the terminator, which the caller writes); returns the bytes written.</summary>
        internal static int Encode(string s, byte[] buffer, int at)
        {
            return Strict.GetBytes(s, 0, s.Length, buffer, at);
        }

        /// <summary>Copies a NUL-terminated UTF-8 string; null for a NULL pointer.</summary>
        internal static string FromNative(IntPtr p)
        {
            if (p == IntPtr.Zero)
            {
                return null;
            }
            var bytes = (byte*)p;
            var length = 0;
            while (bytes[length] != 0)
            {
                length++;
            }
            return length == 0 ? string.Empty : Strict.GetString(bytes, length);
        }

        /// <summary>Copies a string the library allocated for the caller, then frees it.</summary>
        internal static string TakeNative(IntPtr p)
        {
            if (p == IntPtr.Zero)
            {
                return null;
            }
            try
            {
                return FromNative(p);
            }
            finally
            {
                NativeMethods.cognito_string_free(p);
            }
        }

        /// <summary>Whether the NUL-terminated string at <paramref name="p"/> has exactly the bytes of <paramref name="expected"/>
        /// (which has no terminator).</summary>
        internal static bool EqualsNative(IntPtr p, byte[] expected)
        {
            if (p == IntPtr.Zero || expected == null)
            {
                return false;
            }
            var bytes = (byte*)p;
            for (var i = 0; i < expected.Length; i++)
            {
                if (bytes[i] != expected[i])
                {
                    return false; // also stops at a shorter string's terminator, as no expected byte is 0
                }
            }
            return bytes[expected.Length] == 0;
        }

        /// <summary>The bytes of the NUL-terminated string at <paramref name="p"/>, without the terminator.</summary>
        internal static byte[] BytesOf(IntPtr p)
        {
            var bytes = (byte*)p;
            var length = 0;
            while (bytes[length] != 0)
            {
                length++;
            }
            var copy = new byte[length];
            for (var i = 0; i < length; i++)
            {
                copy[i] = bytes[i];
            }
            return copy;
        }

        /// <summary>Writes <paramref name="s"/> NUL-terminated into a native buffer; returns its length in bytes,
        /// or the length needed when it does not fit (nothing is written then).</summary>
        internal static int WriteNative(string s, IntPtr buffer, int capacity)
        {
            var bytes = Strict.GetBytes(s);
            if (bytes.Length + 1 > capacity)
            {
                return bytes.Length;
            }
            var dest = (byte*)buffer;
            for (var i = 0; i < bytes.Length; i++)
            {
                dest[i] = bytes[i];
            }
            dest[bytes.Length] = 0;
            return bytes.Length;
        }
    }
}
