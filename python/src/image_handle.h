#pragma once
// What a tessera.Image is on the C++ side, shared by the bindings that take or return one.

#include "tessera/image.h"

namespace tessera::python {

// An image handle, and whether its pixels came from a read-only array (then its numpy views are
// read-only too).
struct PyImage {
  Image image;
  bool readonly = false;
};

}  // namespace tessera::python
