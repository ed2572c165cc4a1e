// The quotient of a flat invocation index (or a quotient of it) by a size,
// for the shaders that take their sizes as push constants (conv_tiled.comp,
// pool_tiled.comp, lrn_tiled.comp, the Winograd transforms). llvmpipe has
// no vector integer division: each lane divides on its own, a scalar
// instruction, where a float division is one vector instruction. Below
// FLAT_FAST_DIV_MAX (sizes.h) the float quotient is within 1 of the true one
// even at the 2.5 ULP Vulkan allows a division, and one correction step
// each way makes it exact. The including shader declares the
// specialization constant FAST_DIV: 1 where the dispatch has fewer
// invocations than that, so that every dividend and divisor is below it
// (plugin/engine/ops.c, vki_op_fast_div()).
uint flat_div(uint a, uint b)
{
  if (FAST_DIV == 0)
    return a / b;
  uint q = uint(float(a) / float(b));
  if (q * b > a)
    q--;
  else if (a - q * b >= b)
    q++;
  return q;
}
