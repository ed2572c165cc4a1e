// Shared by every compute shader: the workgroup size comes from
// specialization constants 100-102 (chosen from device limits at pipeline
// creation), and every op reads and writes float32 tensors in one activation
// arena (binding 0) with its constants in one weight buffer (binding 1).
// All offsets are in floats.
layout(local_size_x_id = 100, local_size_y_id = 101, local_size_z_id = 102) in;

layout(std430, binding = 0) buffer Activations { float act[]; };
layout(std430, binding = 1) readonly buffer Weights { float wt[]; };
