// OpenCV, the reference in the ops tests, runs on one thread there: its results do not depend
// on it, and its parallel code runs on Debian's uninstrumented libtbb, whose joins
// ThreadSanitizer cannot see (it would report OpenCV's own Canny as racing).
#include <opencv2/core/utility.hpp>

namespace {
const bool kOpenCvSerial = [] {
  cv::setNumThreads(0);
  return true;
}();
}  // namespace
