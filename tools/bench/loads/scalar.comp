#version 450
layout(local_size_x=64) in;
layout(std430, binding=0) readonly buffer A { float a[]; };
layout(std430, binding=1) buffer O { float o[]; };
layout(binding=2) uniform samplerBuffer t;
layout(constant_id=0) const uint MODE = 0;
void main(){
  uint g = gl_GlobalInvocationID.x;
  float acc = 0.0;
  uint base = (g * 7u) & 0xFFFFu;
  for (uint i = 0; i < 1024u; i++) {
    uint idx = (base + i * 64u) & 0xFFFFFu;
    if (MODE == 0u) acc += a[idx];
    else if (MODE == 1u) acc += texelFetch(t, int(idx)).r;
    else if (MODE == 2u) acc += a[i * 64u];
    else if (MODE == 3u) acc += texelFetch(t, int(i*64u)).r;
  }
  o[g] = acc;
}
