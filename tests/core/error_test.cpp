#include "tessera/error.h"

#include <gtest/gtest.h>

namespace tessera {
namespace {

TEST(Error, what_carries_code_operation_message_and_path) {
  const Error error(ErrorCode::CorruptData, "truncated scan",
                    {.path = "a.jpg", .operation = "decode"});
  EXPECT_STREQ(error.what(), "CorruptData in decode: truncated scan [file: a.jpg]");
  EXPECT_EQ(error.code(), ErrorCode::CorruptData);
  EXPECT_EQ(error.message(), "truncated scan");
  EXPECT_EQ(error.path(), "a.jpg");
  EXPECT_EQ(error.operation(), "decode");
}

TEST(Error, context_is_optional) {
  EXPECT_STREQ(Error(ErrorCode::Io, "disk full").what(), "Io: disk full");
}

TEST(Error, every_code_has_a_name) {
  for (const ErrorCode code :
       {ErrorCode::InvalidArgument, ErrorCode::UnsupportedFormat, ErrorCode::CorruptData,
        ErrorCode::ImageTooLarge, ErrorCode::OutOfBudget, ErrorCode::OutOfMemory, ErrorCode::Io,
        ErrorCode::Internal}) {
    EXPECT_NE(to_string(code), "Unknown");
  }
}

TEST(Error, is_a_std_exception) {
  try {
    throw Error(ErrorCode::InvalidArgument, "bad");
  } catch (const std::exception& error) {
    EXPECT_STREQ(error.what(), "InvalidArgument: bad");
  }
}

}  // namespace
}  // namespace tessera
