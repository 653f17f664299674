// A test binary that leaks on purpose: leak_check_listener_test runs it and checks that the
// leak check fails it and names the line below marked LEAK-SITE. Not part of the suite itself.

#include <gtest/gtest.h>

#include "tessera/image.h"

namespace {
tessera::Image kept_past_the_test;  // a global, so LeakSanitizer sees nothing unreachable
}

TEST(DeliberateLeak, keeps_an_image_alive_past_the_end_of_the_test) {
  kept_past_the_test = tessera::Image::create(64, 48, tessera::PixelFormat::rgb8(),  // LEAK-SITE
                                              {.label = "deliberately kept"});
  SUCCEED();
}

TEST(DeliberateLeak, releases_everything_it_allocates) {
  const auto image = tessera::Image::create(8, 8, tessera::PixelFormat::gray8());
  EXPECT_EQ(image.width(), 8);
}
