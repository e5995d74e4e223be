/**
 * The README's main job: {@code demo} erases every concept of the toy world with each method
 * (ConceptPrune, FIA, random pruning of as many weights) through the evaluation engine, sweeps k and
 * t̂ of the featured concept, attacks it (revival, UnlearnDiffAtk), and writes one page and its
 * {@code results.json}. It composes {@code experiment} and {@code attack}, so it sits above both.
 */
package org.conceptprune.demo;
