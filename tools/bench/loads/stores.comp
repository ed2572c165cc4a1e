#version 450
// Stores, 1024 floats per invocation into its own 4 KiB (loads.c's binding
// 1), by path: 0 scalar storage-buffer stores, 1 vec4 storage-buffer
// stores, 2 imageStore into an RGBA32F storage texel buffer over the same
// memory.
layout(local_size_x=64) in;
layout(std430, binding=1) buffer O { float o[]; };
layout(std430, binding=1) buffer O4 { vec4 o4[]; };
layout(binding=5, rgba32f) uniform writeonly imageBuffer img;
layout(constant_id=0) const uint MODE = 0;
void main(){
  uint g = gl_GlobalInvocationID.x;
  float v = float(g & 255u);
  if (MODE == 0u) {
    uint base = (g * 1024u) & 0x3FFFFFu;
    for (uint i = 0; i < 1024u; i++) o[base + i] = v + float(i);
  } else {
    uint base = (g * 256u) & 0xFFFFFu;
    for (uint i = 0; i < 256u; i++) {
      vec4 x = vec4(v, v + 1.0, v + 2.0, float(i));
      if (MODE == 1u) o4[base + i] = x;
      else imageStore(img, int(base + i), x);
    }
  }
}
