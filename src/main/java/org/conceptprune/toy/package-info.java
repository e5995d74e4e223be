/**
 * The toy world: a procedural text-to-image domain small enough to train a real Stable-Diffusion-shaped
 * model on a CPU, with a judge that measures what a model draws.
 *
 * <ul>
 *   <li>{@link org.conceptprune.toy.World}: a toy world as a value, named {@code classic} (6 objects, 16
 *       invented style words (texture + palette), 8 held-out (object, style) pairs) or
 *       {@code crowded:N:SEED} (N generated styles, {@link org.conceptprune.toy.CrowdedWorld}); the types
 *       and sizes every world shares ({@link org.conceptprune.toy.ToyWorld}); caption grammar ({@link org.conceptprune.toy.Caption}). A model folder names its world in
 *       {@code toy_world.json} and may hold its own judge in {@code judge/} ({@link org.conceptprune.toy.ToyModel}).
 *   <li>{@link org.conceptprune.toy.ToyRenderer}: deterministic 32x32 RGB renders, CHW floats in [0,1].
 *   <li>{@link org.conceptprune.toy.ToyJudge}: the trained two-head classifier
 *       ({@link org.conceptprune.toy.JudgeNet}); {@link org.conceptprune.toy.TrainJudge} trains it.
 *   <li>{@code org.conceptprune.toy.train}: seeded init, AdamW, EMA, autograd helpers and safetensors
 *       checkpoints for our own module trees (no DJL Block/Trainer).
 *   <li>{@link org.conceptprune.toy.ToyTrainer} ({@code conceptprune toy train}): the toy text-to-image
 *       model ({@link org.conceptprune.toy.ToyDesign}: our AutoencoderKL, UNet2DConditionModel and
 *       frozen random CLIPTextModel with small configs), written as a diffusers folder;
 *       {@link org.conceptprune.toy.ToyModel}: the trained one shipped in the jar (fp16).
 *   <li>{@link org.conceptprune.toy.ToyEval}: the toy's prompt sets (pairs, prompts asking for a
 *       concept, a concept's calibration prompts) and generation judged by the judge. The package
 *       supplies a model, its judge, its CLIP and its prompt sets, and nothing that prunes:
 *       {@code experiment.ToyErasure} (statistics, masks, random controls) and
 *       {@code experiment.ToyReport} ({@code conceptprune toy eval}: ablations, erasure with a
 *       random-pruning control, sweeps) prune it, as {@code experiment.ToyExperiment}
 *       ({@code demo}, {@code evaluate --experiment toy}) does on the same calls.
 *   <li>{@link org.conceptprune.toy.ToyDefaults}: the toy erasure recipe's settings and seed offsets,
 *       shared by all of them.
 * </ul>
 */
package org.conceptprune.toy;
