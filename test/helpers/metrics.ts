/** The value of the Prometheus sample named `name` whose labels include every one of `labels` (NaN when absent). */
export const metricValue = (text: string, name: string, labels: string[] = []) =>
  Number(
    text
      .split('\n')
      .find((l) => (l.startsWith(`${name}{`) || l.startsWith(`${name} `)) && labels.every((label) => l.includes(label)))
      ?.split(' ')
      .at(-1) ?? Number.NaN,
  );
