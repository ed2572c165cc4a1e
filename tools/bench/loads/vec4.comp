#version 450
layout(local_size_x=64) in;
layout(std430, binding=0) readonly buffer A { vec4 a4[]; };
layout(std430, binding=1) buffer O { float o[]; };
layout(binding=2) uniform samplerBuffer t;
layout(std140, binding=3) uniform U { vec4 u[4096]; };
layout(binding=4) uniform samplerBuffer t4;
layout(constant_id=0) const uint MODE = 0;
shared vec4 sh[1024];
void main(){
  uint g = gl_GlobalInvocationID.x;
  vec4 acc = vec4(0.0);
  uint base = (g * 7u) & 0xFFFFu;
  if (MODE == 3u) { for (uint i = gl_LocalInvocationID.x; i < 1024u; i += 64u) sh[i] = a4[i]; barrier(); }
  for (uint i = 0; i < 1024u; i++) {
    uint idx = (base + i * 64u) & 0xFFFFFu;
    if (MODE == 0u) acc += a4[idx >> 2];
    else if (MODE == 1u) acc += texelFetch(t4, int(idx >> 2));
    else if (MODE == 2u) acc += u[i & 4095u];
    else if (MODE == 3u) acc += sh[(base + i) & 1023u];
  }
  o[g] = acc.x + acc.y + acc.z + acc.w;
}
