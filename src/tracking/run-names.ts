import { randomInt } from 'node:crypto';

// MLflow names unnamed runs "adjective-noun-NNN"; a short list keeps names readable.
const ADJECTIVES = ['bold', 'calm', 'clever', 'eager', 'gentle', 'keen', 'lucky', 'merry', 'nimble', 'quiet', 'rare', 'sharp', 'swift', 'tidy', 'vivid', 'wise'];
const NOUNS = ['ant', 'bass', 'crane', 'doe', 'eel', 'finch', 'gull', 'hare', 'ibis', 'jay', 'koi', 'lark', 'mole', 'newt', 'owl', 'puma', 'ram', 'seal', 'tern', 'wren'];

export function generateRunName(): string {
  return `${ADJECTIVES[randomInt(ADJECTIVES.length)]}-${NOUNS[randomInt(NOUNS.length)]}-${randomInt(1000)}`;
}
