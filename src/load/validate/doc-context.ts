/** A Reporter for one YAML document: problems get the document's file and the field's line and column. */
import type { SourceLocation } from '../../model/problem.js';
import { withFieldPath, type FieldPath } from '../parse/field-path.js';
import type { ProblemSink } from './problems.js';
import type { Reporter } from './schema.js';
import type { LocateOptions } from '../parse/yaml-ast.js';
import type { YamlDocument } from '../parse/yaml-documents.js';

export class DocContext implements Reporter {
  /** Errors reported through this context (a document with any is invalid). */
  errorCount = 0;

  constructor(
    readonly doc: YamlDocument,
    private readonly sink: ProblemSink,
  ) {}

  get file(): string {
    return this.doc.file;
  }

  at(path: FieldPath, options?: LocateOptions): SourceLocation {
    return this.doc.locate(path, options);
  }

  error(path: FieldPath, message: string, options?: LocateOptions): void {
    this.errorCount++;
    this.sink.error(this.at(path, options), withFieldPath(path, message));
  }

  written(path: FieldPath): string | undefined {
    return this.doc.written(path);
  }

  warning(path: FieldPath, message: string, options?: LocateOptions): void {
    this.sink.warning(this.at(path, options), withFieldPath(path, message));
  }
}
