#pragma once
// EXIF blobs read and edited through libexif: a check of what a decoder found, and the two
// edits a conversion needs (Orientation once the pixels are turned upright, the pixel
// dimensions once they are resized). Everything else in the blob goes through untouched.

#include <cstddef>
#include <span>
#include <string>
#include <vector>

namespace tessera::codecs {

struct CheckedExif {
  std::vector<std::byte> exif;  // what to carry: a TIFF structure, no "Exif\0\0"; may be empty
  std::string problem;          // non-empty: why the blob was dropped or cut down (a warning)
};

// Reads `exif` (a TIFF structure, with or without a leading "Exif\0\0") with libexif. A blob
// that reads cleanly comes back byte for byte (maker notes and all); one with corrupt parts
// comes back as what libexif could read, written anew; one with nothing readable comes back
// empty. Never throws on hostile bytes.
CheckedExif checked_exif(std::span<const std::byte> exif);

// `exif` (as checked_exif gives it) with Orientation set to `orientation` where the blob has
// that tag (0: left alone), and PixelXDimension/PixelYDimension set to width x height where it
// has them. The same bytes when nothing changes; empty if libexif cannot read it.
std::vector<std::byte> edited_exif(std::span<const std::byte> exif, int orientation, int width,
                                   int height);

// The text tags of the blob's first directory (IFD0: Make, Model, DateTime, Artist, ...) as
// (tag, text) pairs: those a TIFF file holds as its own tags. Empty if libexif cannot read it.
struct ExifText {
  unsigned tag;
  std::string text;
};
std::vector<ExifText> exif_ifd0_texts(std::span<const std::byte> exif);

}  // namespace tessera::codecs
