package tally

import "math/bits"

func mulU(x, y uint64) (hi, lo uint64) { return bits.Mul64(x, y) }
