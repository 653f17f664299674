#include <gtest/gtest.h>

#include "tessera/error.h"
#include "tessera/profiler.h"

namespace tessera {
namespace {

TEST(ByteSize, formats_in_binary_units) {
  EXPECT_EQ(memory::format_bytes(0), "0 B");
  EXPECT_EQ(memory::format_bytes(1023), "1023 B");
  EXPECT_EQ(memory::format_bytes(1024), "1.0 KiB");
  EXPECT_EQ(memory::format_bytes(12 << 20), "12.0 MiB");
  EXPECT_EQ(memory::format_bytes(std::size_t{3} << 29), "1.50 GiB");
  EXPECT_EQ(memory::format_bytes_delta(-(4 << 20)), "-4.0 MiB");
  EXPECT_EQ(memory::format_bytes_delta(0), "+0 B");
  EXPECT_EQ(memory::format_bytes_delta(INT64_MIN), "-8589934592.00 GiB");
}

TEST(ByteSize, parses_what_users_write_for_memory_limits) {
  EXPECT_EQ(memory::parse_bytes("100000"), 100000u);
  EXPECT_EQ(memory::parse_bytes("512M"), 512u << 20);
  EXPECT_EQ(memory::parse_bytes("512m"), 512u << 20);
  EXPECT_EQ(memory::parse_bytes("64MiB"), 64u << 20);
  EXPECT_EQ(memory::parse_bytes("64MB"), 64u << 20);
  EXPECT_EQ(memory::parse_bytes("1.5G"), std::size_t{3} << 29);
  EXPECT_EQ(memory::parse_bytes("2K"), 2048u);
  EXPECT_EQ(memory::parse_bytes("1T"), std::size_t{1} << 40);
  EXPECT_EQ(memory::parse_bytes("7B"), 7u);
}

TEST(ByteSize, rejects_anything_else_with_a_hint) {
  for (const char* text : {"", "M", "-5M", "12Q", "1.2.3", "5 M", "10MX", "99999999999999T"}) {
    try {
      (void)memory::parse_bytes(text);
      FAIL() << "accepted '" << text << "'";
    } catch (const Error& error) {
      EXPECT_EQ(error.code(), ErrorCode::InvalidArgument);
      EXPECT_NE(error.message().find("e.g. 512M"), std::string::npos);
    }
  }
}

}  // namespace
}  // namespace tessera
