#ifndef BRAKE_CLMDB_SHIM_H
#define BRAKE_CLMDB_SHIM_H
#include <lmdb.h>
#endif
