#pragma once
// Whether this test binary runs under a sanitizer. Sanitizers bring their own allocator: glibc's
// mallinfo2 sees nothing, and RSS includes shadow memory and a quarantine of freed blocks, so
// tests about those figures hold only in plain builds.

namespace tessera::testing {

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
inline constexpr bool kSanitized = true;
#else
inline constexpr bool kSanitized = false;
#endif

}  // namespace tessera::testing
