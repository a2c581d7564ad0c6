using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;

namespace CognitoNative.Interop
{
    /// <summary>
    /// The strings and name/value arrays (<c>cognito_header_t</c>) of one native call whose pointers are
    /// read only during the call: all strings NUL-terminated UTF-8 in one buffer, pinned with the pair
    /// arrays by <see cref="Pin"/> and released by <see cref="Dispose"/>, which also zeroes the buffer
    /// when it held secrets (passwords, codes).
    /// </summary>
    internal sealed class Utf8Block : IDisposable
    {
        private readonly bool _secret;
        private readonly List<int> _pairOffsets = new List<int>(); // name, value, name, value...
        private byte[] _bytes = new byte[256];
        private int _length;
        private NativeHeader[] _pairs;
        private GCHandle _bytesPin;
        private GCHandle _pairsPin;

        /// <summary>An empty block; <paramref name="secret"/>: zero it when disposed.</summary>
        internal Utf8Block(bool secret)
        {
            _secret = secret;
        }

        /// <summary>Adds a string; returns its offset, or -1 for null (a NULL pointer).</summary>
        /// <exception cref="ArgumentException">The string has a NUL character (C would see a shorter one).</exception>
        internal int Add(string s, string what)
        {
            if (_pairs != null)
            {
                throw new InvalidOperationException("the block is pinned");
            }
            if (s == null)
            {
                return -1;
            }
            if (s.IndexOf('\0') >= 0)
            {
                throw new ArgumentException(what + " contains a NUL character.");
            }
            var needed = _length + Utf8.ByteCount(s) + 1;
            if (needed > _bytes.Length)
            {
                var bigger = new byte[Math.Max(needed, _bytes.Length * 2)];
                Buffer.BlockCopy(_bytes, 0, bigger, 0, _length);
                if (_secret)
                {
                    Array.Clear(_bytes, 0, _bytes.Length);
                }
                _bytes = bigger;
            }
            var at = _length;
            _length += Utf8.Encode(s, _bytes, at);
            _bytes[_length++] = 0;
            return at;
        }

        /// <summary>Adds name/value pairs (neither null); returns the index of the first, for <see cref="Pairs"/>.</summary>
        internal int AddPairs(IEnumerable<KeyValuePair<string, string>> pairs, string what)
        {
            var first = _pairOffsets.Count / 2;
            if (pairs == null)
            {
                return first;
            }
            foreach (var pair in pairs)
            {
                if (pair.Key == null || pair.Value == null)
                {
                    throw new ArgumentNullException(what, "a name or value of " + what + " is null");
                }
                _pairOffsets.Add(Add(pair.Key, what));
                _pairOffsets.Add(Add(pair.Value, what));
            }
            return first;
        }

        /// <summary>The number of pairs added from index <paramref name="first"/> on.</summary>
        internal int PairCount(int first)
        {
            return _pairOffsets.Count / 2 - first;
        }

        /// <summary>Pins the strings and builds the pair arrays; after it, nothing can be added.</summary>
        internal void Pin()
        {
            _bytesPin = GCHandle.Alloc(_bytes, GCHandleType.Pinned);
            _pairs = new NativeHeader[_pairOffsets.Count / 2];
            for (var i = 0; i < _pairs.Length; i++)
            {
                _pairs[i].Name = Pointer(_pairOffsets[2 * i]);
                _pairs[i].Value = Pointer(_pairOffsets[2 * i + 1]);
            }
            _pairsPin = GCHandle.Alloc(_pairs, GCHandleType.Pinned);
        }

        /// <summary>The address of the string at <paramref name="offset"/> (NULL for -1). Pinned blocks only.</summary>
        internal IntPtr Pointer(int offset)
        {
            return offset < 0 ? IntPtr.Zero : _bytesPin.AddrOfPinnedObject() + offset;
        }

        /// <summary>The address of the pair array from index <paramref name="first"/> (NULL when empty). Pinned blocks only.</summary>
        internal IntPtr Pairs(int first)
        {
            return PairCount(first) == 0
                ? IntPtr.Zero
                : _pairsPin.AddrOfPinnedObject() + first * Marshal.SizeOf(typeof(NativeHeader));
        }

        /// <summary>Unpins; zeroes the strings if they were secret.</summary>
        public void Dispose()
        {
            if (_pairsPin.IsAllocated)
            {
                _pairsPin.Free();
            }
            if (_bytesPin.IsAllocated)
            {
                _bytesPin.Free();
            }
            if (_secret)
            {
                Array.Clear(_bytes, 0, _bytes.Length);
            }
        }

        /// <summary>Copies a native <c>cognito_header_t</c> array (valid only now) into managed pairs.</summary>
        internal static unsafe List<KeyValuePair<string, string>> ReadPairs(IntPtr pairs, UIntPtr count)
        {
            var n = (int)count.ToUInt64();
            var list = new List<KeyValuePair<string, string>>(n);
            var p = (NativeHeader*)pairs;
            for (var i = 0; i < n; i++)
            {
                list.Add(new KeyValuePair<string, string>(Utf8.FromNative(p[i].Name), Utf8.FromNative(p[i].Value)));
            }
            return list;
        }
    }
}
