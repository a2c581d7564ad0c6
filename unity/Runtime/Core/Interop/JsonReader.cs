using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace CognitoNative.Interop
{
    /// <summary>
    /// A small strict JSON reader (RFC 8259) for the library's JSON answers (the statistics): objects
    /// become <see cref="Dictionary{TKey,TValue}"/> of string to value, arrays <see cref="List{T}"/>,
    /// integers <see cref="long"/> (or <see cref="double"/> when they have a fraction or exponent or do
    /// not fit), strings, booleans and null. Anything else (trailing text, a duplicate key, a bad escape,
    /// nesting deeper than 32) is a <see cref="FormatException"/>.
    /// </summary>
    internal sealed class JsonReader
    {
        private const int MaxDepth = 32;

        private readonly string _text;
        private int _at;

        private JsonReader(string text)
        {
            _text = text;
        }

        /// <summary>The value of the whole of <paramref name="text"/>.</summary>
        /// <exception cref="FormatException">Not one JSON value.</exception>
        internal static object Parse(string text)
        {
            if (text == null)
            {
                throw new FormatException("no JSON text (null)");
            }
            var reader = new JsonReader(text);
            var value = reader.Value(0);
            reader.SkipSpace();
            if (reader._at != text.Length)
            {
                throw reader.Error("text after the JSON value");
            }
            return value;
        }

        private object Value(int depth)
        {
            if (depth > MaxDepth)
            {
                throw Error("nested too deeply");
            }
            SkipSpace();
            if (_at >= _text.Length)
            {
                throw Error("unexpected end of the text");
            }
            var c = _text[_at];
            switch (c)
            {
                case '{': return Object(depth);
                case '[': return Array(depth);
                case '"': return String();
                case 't': Literal("true"); return true;
                case 'f': Literal("false"); return false;
                case 'n': Literal("null"); return null;
                default:
                    if (c == '-' || (c >= '0' && c <= '9'))
                    {
                        return Number();
                    }
                    throw Error("unexpected character '" + c + "'");
            }
        }

        private Dictionary<string, object> Object(int depth)
        {
            var result = new Dictionary<string, object>(StringComparer.Ordinal);
            _at++; // {
            SkipSpace();
            if (Peek() == '}')
            {
                _at++;
                return result;
            }
            while (true)
            {
                SkipSpace();
                if (Peek() != '"')
                {
                    throw Error("expected a key");
                }
                var key = String();
                SkipSpace();
                Expect(':');
                var value = Value(depth + 1);
                if (result.ContainsKey(key))
                {
                    throw Error("the key \"" + key + "\" twice");
                }
                result.Add(key, value);
                SkipSpace();
                if (Peek() == ',')
                {
                    _at++;
                    continue;
                }
                Expect('}');
                return result;
            }
        }

        private List<object> Array(int depth)
        {
            var result = new List<object>();
            _at++; // [
            SkipSpace();
            if (Peek() == ']')
            {
                _at++;
                return result;
            }
            while (true)
            {
                result.Add(Value(depth + 1));
                SkipSpace();
                if (Peek() == ',')
                {
                    _at++;
                    continue;
                }
                Expect(']');
                return result;
            }
        }

        private string String()
        {
            _at++; // "
            var sb = new StringBuilder();
            while (true)
            {
                if (_at >= _text.Length)
                {
                    throw Error("unterminated string");
                }
                var c = _text[_at++];
                if (c == '"')
                {
                    return sb.ToString();
                }
                if (c < ' ')
                {
                    throw Error("a control character in a string");
                }
                if (c != '\\')
                {
                    sb.Append(c);
                    continue;
                }
                if (_at >= _text.Length)
                {
                    throw Error("unterminated escape");
                }
                var e = _text[_at++];
                switch (e)
                {
                    case '"': sb.Append('"'); break;
                    case '\\': sb.Append('\\'); break;
                    case '/': sb.Append('/'); break;
                    case 'b': sb.Append('\b'); break;
                    case 'f': sb.Append('\f'); break;
                    case 'n': sb.Append('\n'); break;
                    case 'r': sb.Append('\r'); break;
                    case 't': sb.Append('\t'); break;
                    case 'u':
                        if (_at + 4 > _text.Length)
                        {
                            throw Error("a short \\u escape");
                        }
                        int code;
                        if (!int.TryParse(_text.Substring(_at, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out code))
                        {
                            throw Error("a bad \\u escape");
                        }
                        _at += 4;
                        sb.Append((char)code);
                        break;
                    default:
                        throw Error("a bad escape '\\" + e + "'");
                }
            }
        }

        private object Number()
        {
            var start = _at;
            if (Peek() == '-')
            {
                _at++;
            }
            if (Peek() == '0')
            {
                _at++;
            }
            else if (!Digits())
            {
                throw Error("a bad number");
            }
            var integral = true;
            if (Peek() == '.')
            {
                integral = false;
                _at++;
                if (!Digits())
                {
                    throw Error("a bad number");
                }
            }
            if (Peek() == 'e' || Peek() == 'E')
            {
                integral = false;
                _at++;
                if (Peek() == '+' || Peek() == '-')
                {
                    _at++;
                }
                if (!Digits())
                {
                    throw Error("a bad number");
                }
            }
            var text = _text.Substring(start, _at - start);
            long whole;
            if (integral && long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out whole))
            {
                return whole;
            }
            return double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);
        }

        private bool Digits()
        {
            var start = _at;
            while (_at < _text.Length && _text[_at] >= '0' && _text[_at] <= '9')
            {
                _at++;
            }
            return _at > start;
        }

        private void Literal(string word)
        {
            if (string.CompareOrdinal(_text, _at, word, 0, word.Length) != 0)
            {
                throw Error("unexpected text");
            }
            _at += word.Length;
        }

        private void Expect(char c)
        {
            if (Peek() != c)
            {
                throw Error("expected '" + c + "'");
            }
            _at++;
        }

        private char Peek()
        {
            return _at < _text.Length ? _text[_at] : '\0';
        }

        private void SkipSpace()
        {
            while (_at < _text.Length && (_text[_at] == ' ' || _text[_at] == '\t' || _text[_at] == '\n' || _text[_at] == '\r'))
            {
                _at++;
            }
        }

        private FormatException Error(string what)
        {
            return new FormatException("invalid JSON at offset " + _at.ToString(CultureInfo.InvariantCulture) + ": " + what);
        }
    }
}
