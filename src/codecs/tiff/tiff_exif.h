#pragma once
// A TIFF's EXIF as the blob the other formats carry: a TIFF keeps EXIF as tags of its own, in
// its image directory (Make, Model, DateTime, ...) and in the EXIF and GPS directories its
// image directory points to (DateTimeOriginal, ExposureTime, GPSLatitude, ...). Read and written
// through libtiff's EXIF and GPS field tables, carried as libexif fields (exif_edit.h).

#include <tiffio.h>

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace tessera::codecs {

// The EXIF of the current image directory of `tiff` as a blob (empty if it has none). Reads
// the EXIF and GPS directories, then makes the image directory current again: false (and
// nothing read) if it cannot, the handle being then unusable.
bool read_tiff_exif(TIFF* tiff, std::vector<std::byte>& exif);

// Where the EXIF and GPS directories of a file being written are (0: none written).
struct TiffExifDirectories {
  std::uint64_t exif = 0;
  std::uint64_t gps = 0;
};

// Writes the EXIF and GPS directories of the blob `exif` into a file being written, before its
// image directory: call it first, then set the image's fields (the current directory is a new
// empty one after it) and point TIFFTAG_EXIFIFD and TIFFTAG_GPSIFD at what it returns. Tags
// libtiff does not know, or given in a shape its table refuses, are left out.
TiffExifDirectories write_tiff_exif(TIFF* tiff, std::span<const std::byte> exif);

// The image directory's own EXIF tags of the blob (ImageDescription, Make, Model, Software,
// DateTime, Artist, HostComputer, Copyright, and Orientation), set as the current directory's
// fields: call it after the encoder's own Orientation (1), which the blob's then replaces.
void set_tiff_image_exif_tags(TIFF* tiff, std::span<const std::byte> exif);

}  // namespace tessera::codecs
