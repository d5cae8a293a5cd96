// Security keys (allauth's webauthn.js does the ceremony). When the browser gets no answer from
// a key (cancelled, timed out, a key already added), allauth raises "allauth.error"; show the
// page's own message instead of leaving the button silent.
(function () {
  document.addEventListener('allauth.error', function (event) {
    const problem = document.getElementById('key-problem')
    if (!problem) return
    event.preventDefault()
    problem.hidden = false
    problem.focus()
  })
})()
