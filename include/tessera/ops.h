#pragma once
// Every image op: colour, tone, filters, geometry, and the registry that describes them.
#include "tessera/ops/color.h"
#include "tessera/ops/filters.h"
#include "tessera/ops/geometry.h"
#include "tessera/ops/registry.h"
#include "tessera/ops/tone.h"
