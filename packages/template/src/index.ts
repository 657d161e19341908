export {
  createPropertyLookup,
  encodeUriComponentStrict,
  evaluateTemplateExpression,
  isTemplateExpression,
  type PropertyLookup,
  parseTemplateExpression,
  type TemplateExpression,
  type TemplateProperties,
  TemplateSyntaxError,
  type TemplateTerm,
  type TemplateValue,
} from "./template-expression";
export {
  createTemplateNotification,
  sendTemplateNotification,
  TEMPLATE_CONTENT_TYPE,
  TEMPLATE_FORMAT,
  type TemplateNotificationOptions,
} from "./template-notification";
export { templatePlatform } from "./template-platform";
export {
  type CompiledTemplate,
  compileTemplate,
  detectTemplateFormat,
  escapeXml,
  renderTemplate,
  type TemplateFormat,
} from "./template-render";
