// Loaded synchronously at the top of <body>: marks the page for GOV.UK Frontend before it renders.
document.body.className += ' js-enabled' + ('noModule' in HTMLScriptElement.prototype ? ' govuk-frontend-supported' : '');
