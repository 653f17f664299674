#pragma once
// The one EXIF tag tessera needs on load: Orientation (0x0112).

#include <cstddef>

namespace tessera::codecs {

// Reads the orientation from a TIFF-structured EXIF block (starting at "II*\0" or "MM\0*"; a
// leading "Exif\0\0" is skipped). Every offset is bounds-checked: hostile data gives 1.
// Returns 1..8, or 1 when the tag is absent or invalid.
int exif_orientation(const unsigned char* data, std::size_t size);

}  // namespace tessera::codecs
