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

/** True for nine digits whose last one is the modulus-11 check digit of the others (no regex, no allocation: imports check millions). */
export function isValidOrgNumber(value: string): boolean {
  if (value.length !== 9) return false;
  let sum = 0;
  for (let i = 0; i < 8; i++) {
    const digit = value.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return false;
    sum += digit * WEIGHTS[i];
  }
  const last = value.charCodeAt(8) - 48;
  if (last < 0 || last > 9) return false;
  const remainder = sum % 11;
  return remainder !== 1 && (remainder === 0 ? 0 : 11 - remainder) === last;
}
