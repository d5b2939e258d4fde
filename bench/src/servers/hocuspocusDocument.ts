/** The one Hocuspocus document every bench client joins. */
export const DOCUMENT_NAME = 'bench';
