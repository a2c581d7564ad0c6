/* wine-bcryptprimitives.c: a stand-in for Windows' bcryptprimitives.dll, for the Wine smoke test
 * only (never shipped). Rust's standard library (1.78+) takes random bytes from
 * bcryptprimitives!ProcessPrng, which every Windows 10+ has but Wine before 9.0 (Debian 12's Wine 8)
 * lacks; this forwards to advapi32's RtlGenRandom (SystemFunction036), which Wine has.
 * Built and used by scripts/platforms/windows.sh when the Wine in use has no such DLL.
 */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length) {
    while (length > 0) {
        ULONG chunk = length > 0x10000000 ? 0x10000000 : (ULONG)length;
        if (!SystemFunction036(data, chunk)) return FALSE;
        data += chunk;
        length -= chunk;
    }
    return TRUE;
}
