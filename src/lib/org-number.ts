const WEIGHTS = [3, 2, 7, 6, 5, 4, 3, 2] as const;

/**
 * The modulus-11 check digit of the first eight digits of a Norwegian organisation number,
 * or null when no valid number can end those digits (remainder 1).
 */
export function orgNumberCheckDigit(firstEight: string): number | null {
  if (!/^\d{8}$/.test(firstEight)) return null;
  let sum = 0;
  for (let i = 0; i < 8; i++) sum += Number(firstEight[i]) * WEIGHTS[i];
  const remainder = sum % 11;
  if (remainder === 0) return 0;
  if (remainder === 1) return null;
  return 11 - remainder;
}

/** True for nine digits whose last one is the modulus-11 check digit of the others. */
export function isValidOrgNumber(value: string): boolean {
  if (!/^\d{9}$/.test(value)) return false;
  return orgNumberCheckDigit(value.slice(0, 8)) === Number(value[8]);
}
