export const digits: number = 0;
