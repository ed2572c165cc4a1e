#version 450
// Device peak, memory: copies N 16-byte words from binding 0 to binding 1
// with a grid-stride loop (a fixed number of invocations, each moving every
// step-th word), so any buffer size needs one dispatch. Integer words keep
// the copy bit-exact whatever the (uninitialised) source holds.
layout(local_size_x_id = 100, local_size_y_id = 101, local_size_z_id = 102) in;

layout(constant_id = 0) const uint N = 1;

layout(std430, binding = 0) readonly buffer Src { uvec4 src[]; };
layout(std430, binding = 1) writeonly buffer Dst { uvec4 dst[]; };

void main()
{
  uint step = gl_NumWorkGroups.x * gl_WorkGroupSize.x;
  for (uint i = gl_GlobalInvocationID.x; i < N; i += step)
    dst[i] = src[i];
}
